"""The public pages of local activities: the list residents filter, and one activity."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curriculum.models import BadgeDefinition, Competency, LifeStage, SustainableDevelopmentGoal
from learners.models import District, SpokenLanguage
from opportunities.models import (
    Opportunity,
    OpportunityCompetency,
    OpportunityLanguage,
    Organisation,
    Placement,
    Shift,
)
from opportunities.selectors import OPPORTUNITIES_PER_PAGE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKYO = datetime.timezone(datetime.timedelta(hours=9))
LIST = "/opportunities/"
LIST_EN = "/en/opportunities/"


@pytest.fixture
def partnership(reference_data):
    return Organisation.objects.create(
        name_ja="こまつ環境パートナーシップ",
        name_en="Komatsu Environment Partnership",
        kind=Organisation.Kind.NPO,
        district=District.objects.get(code="kiba"),
        contact_name="木場 太郎",
        contact_email="kankyo@example.jp",
        contact_phone="0761-00-0000",
    )


def in_days(days, hour=9):
    """A time ``days`` from today at ``hour`` o'clock in Komatsu."""
    today = timezone.localdate()
    return datetime.datetime.combine(
        today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=TOKYO
    )


def make_opportunity(
    organisation,
    title_ja="木場潟の水質調査",
    *,
    title_en="Kibagata water-quality survey",
    description_ja="木場潟で水をくんで調べます。",
    status=Opportunity.Status.OPEN,
    district="kiba",
    sdgs=(),
    life_stages=(),
    min_age=None,
    shifts=((7, 5),),
    **fields,
):
    """An opportunity with a shift ``days`` from today for each (days, capacity)."""
    opportunity = Opportunity.objects.create(
        organisation=organisation,
        title_ja=title_ja,
        title_en=title_en,
        description_ja=description_ja,
        status=status,
        district=District.objects.get(code=district),
        min_age=min_age,
        **fields,
    )
    opportunity.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    opportunity.life_stages.set(LifeStage.objects.filter(slug__in=life_stages))
    opportunity.save()
    for days, capacity in shifts:
        Shift.objects.create(
            opportunity=opportunity,
            starts_at=in_days(days),
            ends_at=in_days(days, hour=12),
            place="木場潟公園 中央園地",
            capacity=capacity,
        )
    return opportunity


def needs_language(opportunity, code, *, required):
    OpportunityLanguage.objects.create(
        opportunity=opportunity, language=SpokenLanguage.objects.get(code=code), required=required
    )


def place(shift, status=Placement.Status.CONFIRMED):
    return Placement.objects.create(shift=shift, learner=UserFactory(), status=status)


def listed(response):
    assert response.status_code == 200
    return [opportunity.title_ja for opportunity in response.context["opportunities"]]


def json_ld(page):
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.DOTALL
    )
    return json.loads(script)


# The list


def test_the_list_shows_only_open_activities_with_a_date_to_come(client, partnership):
    make_opportunity(partnership, "木場潟クリーン作戦")
    make_opportunity(partnership, "下書きの活動", status=Opportunity.Status.DRAFT)
    make_opportunity(partnership, "締め切った活動", status=Opportunity.Status.CLOSED)
    make_opportunity(partnership, "終わった活動", shifts=((-3, 5),))
    make_opportunity(partnership, "日程のない活動", shifts=())

    response = client.get(LIST)

    assert listed(response) == ["木場潟クリーン作戦"]
    page = response.content.decode()
    assert "下書きの活動" not in page and "締め切った活動" not in page
    assert "終わった活動" not in page


def test_the_soonest_activity_comes_first_with_its_next_date(client, partnership):
    later = make_opportunity(partnership, "安宅の松林の手入れ", shifts=((20, 5),))
    sooner = make_opportunity(partnership, "木場潟クリーン作戦", shifts=((-2, 5), (3, 5), (9, 5)))

    response = client.get(LIST)

    assert listed(response) == ["木場潟クリーン作戦", "安宅の松林の手入れ"]
    first, second = response.context["opportunities"]
    assert first.pk == sooner.pk and second.pk == later.pk
    assert first.next_shift.starts_at == in_days(3)  # not the past one
    assert first.more_shift_count == 1
    page = response.content.decode()
    assert f'datetime="{in_days(3).isoformat()}"' in page


def test_each_item_shows_organisation_district_goals_and_languages(client, partnership):
    opportunity = make_opportunity(partnership, sdgs=(6, 14))
    needs_language(opportunity, "pt", required=False)

    page = client.get(LIST_EN).content.decode()

    assert "Kibagata water-quality survey" in page
    assert "Komatsu Environment Partnership" in page
    assert "Kiba" in page
    assert "6. Clean Water and Sanitation" in page and "14. Life Below Water" in page
    assert "Portuguese (Português)" in page
    assert f'href="/en/opportunities/{opportunity.pk}/"' in page


def test_places_left_count_confirmed_placements_and_not_cancelled_ones(client, partnership):
    opportunity = make_opportunity(partnership, shifts=((4, 5),))
    shift = opportunity.shifts.get()
    place(shift)
    place(shift)
    place(shift, status=Placement.Status.CANCELLED)

    response = client.get(LIST_EN)

    (item,) = response.context["opportunities"]
    assert item.next_shift.places_left == 3
    assert "3 places left" in response.content.decode()


def test_a_full_next_date_says_so(client, partnership):
    opportunity = make_opportunity(partnership, shifts=((4, 1),))
    place(opportunity.shifts.get())

    response = client.get(LIST_EN)

    assert response.context["opportunities"][0].next_shift.places_left == 0
    assert "Full" in response.content.decode()


def test_the_sdg_filter(client, partnership):
    make_opportunity(partnership, "木場潟の水質調査", sdgs=(6, 14))
    make_opportunity(partnership, "いきいきサロン", sdgs=(3,))

    assert listed(client.get(LIST, {"sdg": 14})) == ["木場潟の水質調査"]
    assert listed(client.get(LIST, {"sdg": 3})) == ["いきいきサロン"]
    assert listed(client.get(LIST, {"sdg": 1})) == []


def test_the_district_filter(client, partnership):
    make_opportunity(partnership, "木場潟の水質調査", district="kiba")
    make_opportunity(partnership, "安宅の松林の手入れ", district="ataka")

    assert listed(client.get(LIST, {"district": "ataka"})) == ["安宅の松林の手入れ"]
    assert listed(client.get(LIST, {"district": "kiba"})) == ["木場潟の水質調査"]


def test_the_date_filter_keeps_activities_with_a_date_on_or_after_it(client, partnership):
    make_opportunity(partnership, "来週の活動", shifts=((7, 5),))
    make_opportunity(partnership, "来月の活動", shifts=((3, 5), (30, 5)))
    on_day_seven = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    after_day_seven = (timezone.localdate() + datetime.timedelta(days=8)).isoformat()

    assert listed(client.get(LIST, {"date_from": on_day_seven})) == ["来週の活動", "来月の活動"]
    response = client.get(LIST, {"date_from": after_day_seven})
    assert listed(response) == ["来月の活動"]
    # The next date shown is the first one on or after the chosen day.
    assert response.context["opportunities"][0].next_shift.starts_at == in_days(30)


def test_a_date_in_the_past_shows_no_past_dates(client, partnership):
    make_opportunity(partnership, "終わった活動", shifts=((-3, 5),))
    long_ago = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()

    assert listed(client.get(LIST, {"date_from": long_ago})) == []


def test_the_language_filter(client, partnership):
    helpful = make_opportunity(partnership, "ポルトガル語が役立つ活動")
    needs_language(helpful, "pt", required=False)
    required = make_opportunity(partnership, "ポルトガル語が必要な活動")
    needs_language(required, "pt", required=True)
    japanese_only = make_opportunity(partnership, "日本語が必要な活動")
    needs_language(japanese_only, "ja", required=True)
    make_opportunity(partnership, "言語の条件のない活動")

    found = set(listed(client.get(LIST, {"language": "pt"})))

    assert found == {"ポルトガル語が役立つ活動", "ポルトガル語が必要な活動", "言語の条件のない活動"}
    assert set(listed(client.get(LIST, {"language": "ja"}))) == {
        "ポルトガル語が役立つ活動",
        "日本語が必要な活動",
        "言語の条件のない活動",
    }


def test_the_life_stage_filter(client, partnership):
    make_opportunity(partnership, "シニアの活動", life_stages=("senior",))
    make_opportunity(partnership, "子どもと大人の活動", life_stages=("elementary", "adult"))
    make_opportunity(partnership, "誰でもの活動")
    make_opportunity(partnership, "18歳以上の活動", min_age=18)

    assert set(listed(client.get(LIST, {"stage": "elementary"}))) == {
        "子どもと大人の活動",
        "誰でもの活動",
    }
    assert set(listed(client.get(LIST, {"stage": "senior"}))) == {
        "シニアの活動",
        "誰でもの活動",
        "18歳以上の活動",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("木場潟", {"木場潟の水質調査", "木場潟クリーン作戦"}),
        ("木場", {"木場潟の水質調査", "木場潟クリーン作戦"}),  # part of a word
        ("水質", {"木場潟の水質調査"}),
        ("ｸﾘｰﾝ", {"木場潟クリーン作戦"}),  # half-width katakana
        ("木場潟　クリーン", {"木場潟クリーン作戦"}),  # every word, ideographic space
        ("KIBAGATA", {"木場潟の水質調査"}),  # the English title, any case
        ("松林", {"海辺の緑を守る"}),  # the description
        ("町内会", {"海辺の緑を守る"}),  # the organisation's name
        ("パートナーシップ", {"木場潟の水質調査", "木場潟クリーン作戦"}),  # organisation
        ("海岸清掃", set()),
    ],
)
def test_the_keyword_filter(client, partnership, query, expected):
    make_opportunity(partnership, "木場潟の水質調査")
    make_opportunity(
        partnership,
        "木場潟クリーン作戦",
        title_en="",
        description_ja="湖のまわりのごみを拾います。",
    )
    neighbours = Organisation.objects.create(
        name_ja="安宅町内会",
        kind=Organisation.Kind.NEIGHBOURHOOD_ASSOCIATION,
        district=District.objects.get(code="ataka"),
    )
    make_opportunity(
        neighbours, "海辺の緑を守る", title_en="Coastal pines", description_ja="安宅の松林の手入れ"
    )

    assert set(listed(client.get(LIST, {"query": query}))) == expected


def test_the_keyword_follows_edits_of_the_title(client, partnership):
    opportunity = make_opportunity(partnership, "木場潟の水質調査")
    opportunity.title_ja = "今江潟の生きもの観察"
    opportunity.save(update_fields=["title_ja"])

    assert listed(client.get(LIST, {"query": "生きもの"})) == ["今江潟の生きもの観察"]
    assert listed(client.get(LIST, {"query": "水質調査"})) == []


def test_filters_combine(client, partnership):
    make_opportunity(partnership, "木場潟の水質調査", sdgs=(6,), district="kiba")
    make_opportunity(partnership, "木場潟の花植え", sdgs=(15,), district="kiba")
    make_opportunity(partnership, "安宅の水辺しらべ", sdgs=(6,), district="ataka")

    response = client.get(LIST, {"sdg": 6, "district": "kiba", "query": "木場潟"})

    assert listed(response) == ["木場潟の水質調査"]


def test_no_match_says_so_and_offers_to_clear_the_filters(client, partnership):
    make_opportunity(partnership, sdgs=(6,))

    page = client.get(LIST_EN, {"sdg": 1}).content.decode()

    assert "No activity matches these filters." in page
    assert 'href="/en/opportunities/"' in page
    assert "Clear filters" in page


def test_an_invalid_filter_is_shown_and_left_out(client, partnership):
    make_opportunity(partnership)

    response = client.get(LIST_EN, {"sdg": "99", "date_from": "not a date"})

    assert listed(response) == ["木場潟の水質調査"]
    assert response.context["filter_form"].errors.keys() == {"sdg", "date_from"}
    assert "errorlist" in response.content.decode()


def test_the_list_is_paginated_and_pages_keep_the_filters(client, partnership):
    for number in range(OPPORTUNITIES_PER_PAGE + 3):
        make_opportunity(
            partnership, f"木場潟の活動 {number:02}", sdgs=(14,), shifts=((number + 1, 2),)
        )
    make_opportunity(partnership, "別の活動", sdgs=(3,))

    first = client.get(LIST, {"sdg": 14})
    second = client.get(LIST, {"sdg": 14, "page": 2})

    assert len(listed(first)) == OPPORTUNITIES_PER_PAGE
    assert listed(second) == ["木場潟の活動 20", "木場潟の活動 21", "木場潟の活動 22"]
    assert 'href="?sdg=14&amp;page=2"' in first.content.decode()


def test_the_list_is_in_japanese_by_default_and_english_under_en(client, partnership):
    make_opportunity(partnership)

    japanese = client.get(LIST, {"query": "木場潟"}).content.decode()
    english = client.get(LIST_EN, {"query": "木場潟"}).content.decode()

    assert '<html lang="ja">' in japanese
    assert "キーワード" in japanese and "条件をクリア" in japanese
    assert "木場潟の水質調査" in japanese and "こまつ環境パートナーシップ" in japanese
    assert '<html lang="en">' in english
    assert "Keyword" in english and "Life stage" in english and "Clear filters" in english
    assert "Local activities" in english
    assert "Kibagata water-quality survey" in english


def test_the_date_filter_keeps_its_iso_value_in_every_language(client, partnership):
    make_opportunity(partnership, shifts=((40, 5),))
    chosen = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    response = client.get("/pt-br/opportunities/", {"date_from": chosen})

    assert listed(response) == ["木場潟の水質調査"]
    page = response.content.decode()
    assert f'value="{chosen}"' in page
    assert 'aria-describedby="id_date_from_helptext"' in page
    assert 'id="id_date_from_helptext"' in page


def test_the_header_links_to_the_list(client, reference_data):
    page = client.get("/en/search/").content.decode()
    assert '<a href="/en/opportunities/">Local activities</a>' in page


def _list_queries(client, path, params=None):
    client.get(path, params or {})  # fills the per-process caches (site, locales)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params or {}).status_code == 200
    return len(queries)


def _busy_opportunities(organisation, count):
    for number in range(count):
        opportunity = make_opportunity(
            organisation, f"活動 {number}", sdgs=(6, 14), shifts=((3, 4), (10, 4), (-5, 4))
        )
        needs_language(opportunity, "pt", required=False)
        needs_language(opportunity, "ja", required=True)
        place(opportunity.shifts.first())


@pytest.mark.parametrize("params", [{}, {"query": "活動", "sdg": 14, "language": "pt"}])
def test_the_list_takes_the_same_queries_for_2_or_20_activities(
    client, partnership, django_assert_num_queries, params
):
    _busy_opportunities(partnership, 2)
    with_two = _list_queries(client, LIST, params)
    _busy_opportunities(partnership, 18)

    with django_assert_num_queries(with_two):
        response = client.get(LIST, params)
    assert len(response.context["opportunities"]) == 20


# One activity


def test_the_page_shows_the_activity_and_its_dates_to_come(client, partnership):
    opportunity = make_opportunity(
        partnership,
        sdgs=(6, 14),
        shifts=((5, 3), (12, 2)),
        accessibility_notes="駐車場から会場まで段差はありません。",
        physical_intensity="moderate",
        latitude="36.36300",
        longitude="136.47000",
    )
    past = Shift.objects.create(
        opportunity=opportunity,
        starts_at=in_days(-7),
        ends_at=in_days(-7, hour=11),
        place="先週の集合場所",
        capacity=3,
    )
    first, second = opportunity.shifts.exclude(pk=past.pk).order_by("starts_at")
    place(second)
    place(second)

    response = client.get(f"/en/opportunities/{opportunity.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Kibagata water-quality survey</h1>" in page
    assert "Komatsu Environment Partnership" in page and "NPO" in page
    assert "kankyo@example.jp" in page and "0761-00-0000" in page
    assert "Clean Water and Sanitation" in page and "Life Below Water" in page
    assert "Kiba" in page
    assert "latitude 36.36300, longitude 136.47000" in page
    assert "Moderate (walking, light carrying)" in page
    assert "駐車場から会場まで段差はありません。" in page
    assert "木場潟公園 中央園地" in page
    assert "先週の集合場所" not in page  # past dates are not shown
    assert f'datetime="{in_days(5).isoformat()}"' in page
    assert "3 places left" in page
    assert "Full" in page
    assert [shift.pk for shift in response.context["opportunity"].upcoming_shifts] == [
        first.pk,
        second.pk,
    ]
    # No third-party map: nothing is loaded from elsewhere.
    assert "openstreetmap" not in page and "maps.google" not in page


def test_the_page_is_in_japanese_by_default(client, partnership):
    opportunity = make_opportunity(partnership, shifts=((5, 3),))

    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()

    assert '<html lang="ja">' in page
    assert "<h1>木場潟の水質調査</h1>" in page
    assert "木場潟で水をくんで調べます。" in page
    assert "連絡先" in page  # Contact
    shift_start = in_days(5)
    assert f"{shift_start.year}年{shift_start.month}月{shift_start.day}日" in page
    assert "9:00" in page


def test_requirements_in_plain_words(client, partnership):
    opportunity = make_opportunity(partnership)
    water = Competency.objects.get(code="ENV-WATER")
    OpportunityCompetency.objects.create(
        opportunity=opportunity, competency=water, level=2, required=True
    )
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟の水しらべ",
        name_en="Kibagata water survey",
        description="…",
        criteria_narrative="…",
    )
    opportunity.required_badges.set([badge])
    opportunity.save()
    needs_language(opportunity, "ja", required=True)
    needs_language(opportunity, "pt", required=False)

    page = client.get(f"/en/opportunities/{opportunity.pk}/").content.decode()

    required, helpful = page.split("Helpful, but not required")
    assert "The badge “Kibagata water survey”" in required
    assert "Water-environment survey: level 2" in required
    assert "Japanese (日本語): Conversational or better" in required
    assert "Portuguese (Português): Conversational or better" in helpful
    assert "Portuguese" not in required.split("What you need")[1]


def test_an_activity_without_requirements_welcomes_everyone(client, partnership):
    opportunity = make_opportunity(partnership)

    page = client.get(f"/en/opportunities/{opportunity.pk}/").content.decode()

    assert "Nothing in particular: everyone is welcome." in page
    assert "Every life stage" in page
    assert "Helpful, but not required" not in page


def test_the_guardian_consent_note_shows_when_minors_may_take_part(client, partnership):
    for_children = make_opportunity(partnership, life_stages=("elementary",))
    for_adults = make_opportunity(partnership, "大人の活動", min_age=18)
    note = "Participants under 18 take part only with a guardian"

    children_page = client.get(f"/en/opportunities/{for_children.pk}/").content.decode()
    adults_page = client.get(f"/en/opportunities/{for_adults.pk}/").content.decode()

    assert note in children_page
    assert note not in adults_page
    assert "From 18 years old" in adults_page


@pytest.mark.parametrize("status", [Opportunity.Status.DRAFT, Opportunity.Status.CLOSED])
def test_drafts_and_closed_activities_are_not_found(client, partnership, status):
    opportunity = make_opportunity(partnership, status=status)

    assert client.get(f"/opportunities/{opportunity.pk}/").status_code == 404
    assert client.get(f"/en/opportunities/{opportunity.pk}/").status_code == 404


@pytest.mark.usefixtures("reference_data")
def test_an_unknown_activity_is_not_found(client):
    assert client.get("/opportunities/999999/").status_code == 404


def test_the_address_is_the_models(partnership):
    opportunity = make_opportunity(partnership)
    assert opportunity.get_absolute_url() == f"/opportunities/{opportunity.pk}/"


def test_the_json_ld_describes_each_date_as_an_event(client, partnership):
    opportunity = make_opportunity(partnership, shifts=((5, 4), (-1, 4)))
    upcoming = opportunity.shifts.get(starts_at__gt=timezone.now())
    place(upcoming)
    place(upcoming, status=Placement.Status.CANCELLED)

    data = json_ld(client.get(f"/opportunities/{opportunity.pk}/").content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "EventSeries"
    assert data["url"] == f"{settings.MANABI_BASE_URL}/opportunities/{opportunity.pk}/"
    assert data["name"] == "木場潟の水質調査"
    assert data["organizer"] == {"@type": "Organization", "name": "こまつ環境パートナーシップ"}
    (event,) = data["subEvent"]
    assert event["@type"] == "Event"
    assert event["startDate"] == in_days(5).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    assert event["endDate"] == in_days(5, hour=12).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    assert event["maximumAttendeeCapacity"] == 4
    assert event["remainingAttendeeCapacity"] == 3
    assert event["organizer"]["@type"] == "Organization"
    location = event["location"]
    assert location["@type"] == "Place"
    assert location["name"] == "木場潟公園 中央園地"
    assert location["address"]["addressLocality"] == "小松市"
    assert location["containedInPlace"]["name"] == "小松市 木場"


def test_the_json_ld_cannot_end_its_script_element(client, partnership):
    opportunity = make_opportunity(partnership, "</script><script>alert(1)</script>")

    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()

    assert "<script>alert(1)" not in page
    assert json_ld(page)["name"] == "</script><script>alert(1)</script>"


def _detail_queries(client, opportunity):
    client.get(f"/opportunities/{opportunity.pk}/")  # fills the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/opportunities/{opportunity.pk}/").status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_for_1_or_10_dates(
    client, partnership, django_assert_num_queries
):
    water = Competency.objects.get(code="ENV-WATER")
    pages = []
    for shift_count in (1, 10):
        opportunity = make_opportunity(
            partnership,
            sdgs=(6, 14),
            life_stages=("adult", "senior"),
            shifts=[(days + 1, 3) for days in range(shift_count)],
        )
        OpportunityCompetency.objects.create(opportunity=opportunity, competency=water, level=2)
        needs_language(opportunity, "ja", required=True)
        for shift in opportunity.shifts.all():
            place(shift)
        pages.append(opportunity)
    one_date, ten_dates = pages

    with_one = _detail_queries(client, one_date)
    with django_assert_num_queries(with_one):
        response = client.get(f"/opportunities/{ten_dates.pk}/")
    assert len(json_ld(response.content.decode())["subEvent"]) == 10
