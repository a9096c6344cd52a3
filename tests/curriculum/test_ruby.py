from curriculum.ruby import has_unbalanced_ruby, ruby_html, ruby_text, strip_ruby


def test_explicit_notation_renders_ruby():
    html = ruby_text("｜木場潟《きばがた》の水")
    assert html == "<ruby>木場潟<rp>（</rp><rt>きばがた</rt><rp>）</rp></ruby>の水"


def test_short_notation_takes_the_kanji_before_the_reading():
    assert (
        ruby_text("きれいな水《みず》")
        == "きれいな<ruby>水<rp>（</rp><rt>みず</rt><rp>）</rp></ruby>"
    )


def test_ascii_bar_works_too_and_text_is_escaped():
    html = ruby_text("<b>|小松《こまつ》</b>")
    assert html.startswith("&lt;b&gt;<ruby>小松")
    assert "<b>" not in html


def test_rich_text_keeps_its_markup():
    html = ruby_html("<p>｜防災《ぼうさい》を<b>学ぶ</b></p>")
    assert html == "<p><ruby>防災<rp>（</rp><rt>ぼうさい</rt><rp>）</rp></ruby>を<b>学ぶ</b></p>"


def test_strip_ruby_keeps_words_whole():
    assert (
        strip_ruby("｜木場潟《きばがた》で｜防災《ぼうさい》訓練《くんれん》") == "木場潟で防災訓練"
    )


def test_unbalanced_marks_are_detected():
    assert has_unbalanced_ruby("｜木場潟《きばがた")
    assert has_unbalanced_ruby("木場潟》")
    assert not has_unbalanced_ruby("｜木場潟《きばがた》")
