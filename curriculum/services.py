"""Steps that create or change curriculum reference data. Each is idempotent."""

from django.db import transaction

from curriculum.models import (
    CityTheme,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    LifeStage,
    SustainableDevelopmentGoal,
)
from curriculum.supervision import ensure_supervision_workflow

# (slug, Japanese, English, min age, max age, colour) — PRODUCT.md.
LIFE_STAGES = [
    ("early-childhood", "幼児", "Early childhood", 3, 5, "#F4A261"),
    ("elementary", "小学生", "Elementary school", 6, 12, "#2A9D8F"),
    ("junior-high", "中学生", "Junior high school", 12, 15, "#457B9D"),
    ("high-school", "高校生", "High school", 15, 18, "#6A4C93"),
    ("young-adult", "青年", "Young adult", 18, 29, "#E76F51"),
    ("adult", "成人", "Adult", 30, 64, "#1D6B57"),
    ("senior", "シニア", "Senior", 65, None, "#8D5A97"),
]

# (number, Japanese short name as used by Japan's MOFA, English short name, colour).
SUSTAINABLE_DEVELOPMENT_GOALS = [
    (1, "貧困をなくそう", "No Poverty", "#E5243B"),
    (2, "飢餓をゼロに", "Zero Hunger", "#DDA63A"),
    (3, "すべての人に健康と福祉を", "Good Health and Well-being", "#4C9F38"),
    (4, "質の高い教育をみんなに", "Quality Education", "#C5192D"),
    (5, "ジェンダー平等を実現しよう", "Gender Equality", "#FF3A21"),
    (6, "安全な水とトイレを世界中に", "Clean Water and Sanitation", "#26BDE2"),
    (7, "エネルギーをみんなに そしてクリーンに", "Affordable and Clean Energy", "#FCC30B"),
    (8, "働きがいも経済成長も", "Decent Work and Economic Growth", "#A21942"),
    (9, "産業と技術革新の基盤をつくろう", "Industry, Innovation and Infrastructure", "#FD6925"),
    (10, "人や国の不平等をなくそう", "Reduced Inequalities", "#DD1367"),
    (11, "住み続けられるまちづくりを", "Sustainable Cities and Communities", "#FD9D24"),
    (12, "つくる責任 つかう責任", "Responsible Consumption and Production", "#BF8B2E"),
    (13, "気候変動に具体的な対策を", "Climate Action", "#3F7E44"),
    (14, "海の豊かさを守ろう", "Life Below Water", "#0A97D9"),
    (15, "陸の豊かさも守ろう", "Life on Land", "#56C02B"),
    (16, "平和と公正をすべての人に", "Peace, Justice and Strong Institutions", "#00689D"),
    (17, "パートナーシップで目標を達成しよう", "Partnerships for the Goals", "#19486A"),
]


@transaction.atomic
def ensure_life_stages():
    """Create the seven life stages; rows staff have edited are left as they are."""
    for sort_order, (slug, name_ja, name_en, min_age, max_age, colour) in enumerate(
        LIFE_STAGES, start=1
    ):
        LifeStage.objects.get_or_create(
            slug=slug,
            defaults={
                "sort_order": sort_order,
                "name_ja": name_ja,
                "name_en": name_en,
                "min_age": min_age,
                "max_age": max_age,
                "colour": colour,
            },
        )


@transaction.atomic
def ensure_sustainable_development_goals():
    """Create the 17 SDGs; rows staff have edited are left as they are."""
    for number, name_ja, name_en, colour in SUSTAINABLE_DEVELOPMENT_GOALS:
        SustainableDevelopmentGoal.objects.get_or_create(
            number=number, defaults={"name_ja": name_ja, "name_en": name_en, "colour": colour}
        )


# (code, kind, label, Japanese, English) — the seed's four themes and two engines.
CITY_THEMES = [
    (
        "revolution",
        CityTheme.Kind.THEME,
        "Revolution",
        "日本一おもしろいまち",
        "Japan's most exciting city",
    ),
    (
        "innovation",
        CityTheme.Kind.THEME,
        "Innovation",
        "日本一たくましいまち",
        "Japan's most resilient city",
    ),
    (
        "renaissance",
        CityTheme.Kind.THEME,
        "Renaissance",
        "日本一ここちよいまち",
        "Japan's most comfortable city",
    ),
    (
        "active",
        CityTheme.Kind.THEME,
        "Active",
        "日本一はつらつとしたひとまち",
        "Japan's liveliest people",
    ),
    (
        "co-creation",
        CityTheme.Kind.ENGINE,
        "Co-creation",
        "共創（民の力）",
        "Co-creation (the power of the people)",
    ),
    (
        "human",
        CityTheme.Kind.ENGINE,
        "Human",
        "ひとづくり（学びの力）",
        "People (the power of learning)",
    ),
]

# (code, Japanese, English) areas, each with (code, Japanese, English, description ja, en).
COMPETENCY_FRAMEWORK = [
    (
        "foundations",
        "SDGsの基礎",
        "SDGs foundations",
        [
            (
                "SDG-LIT",
                "SDGsリテラシー",
                "SDGs literacy",
                "17の目標と、自分のくらしや小松のまちとのつながりを理解する。",
                "Understands the 17 goals and how they connect to daily life and to Komatsu.",
            ),
        ],
    ),
    (
        "environment",
        "環境",
        "Environment",
        [
            (
                "ENV-WATER",
                "水環境調査",
                "Water-environment survey",
                "木場潟などの水辺で、水質や生きものを調べ、記録する。",
                "Surveys and records water quality and wildlife at Kibagata and other waters.",
            ),
            (
                "ENV-GREEN",
                "緑化・花育",
                "Greening and flower care",
                "花や木を育て、まちの緑を守り広げる。",
                "Grows flowers and trees and keeps the city green.",
            ),
            (
                "ENV-3R",
                "3R・食品ロス削減",
                "3R and food-loss action",
                "ごみを減らし、再使用・リサイクルし、食品ロスを防ぐ。",
                "Reduces, reuses and recycles waste and prevents food loss.",
            ),
        ],
    ),
    (
        "safety",
        "安全・安心",
        "Safety",
        [
            (
                "SAFE-DISASTER",
                "地域防災",
                "Community disaster preparedness",
                "災害に備え、地域の人と助け合って命を守る。",
                "Prepares for disasters and protects lives together with neighbours.",
            ),
        ],
    ),
    (
        "inclusion",
        "共生",
        "Living together",
        [
            (
                "INC-MULTI",
                "多文化コミュニケーション",
                "Multicultural communication",
                "やさしい日本語などで、外国出身の住民と伝え合う。",
                "Communicates with residents from abroad, for example in easy Japanese.",
            ),
            (
                "INC-CARE",
                "高齢者支援・介護予防",
                "Elder support and frailty prevention",
                "健康づくりと見守りで、高齢者が元気にくらせるよう支える。",
                "Supports older people's health and independence through activity and care.",
            ),
        ],
    ),
    (
        "science",
        "科学・ものづくり",
        "Science and making",
        [
            (
                "SCI-GUIDE",
                "科学ガイド",
                "Science guiding",
                "科学の面白さを、子どもや来館者に分かりやすく伝える。",
                "Explains science to children and visitors in an engaging way.",
            ),
            (
                "SCI-ICT",
                "ものづくりとICT",
                "Making and ICT",
                "ものづくりとデジタル技術で、地域の課題を解決する。",
                "Solves local problems with making and digital technology.",
            ),
        ],
    ),
    (
        "culture-industry",
        "地域文化・産業",
        "Local culture and industry",
        [
            (
                "CUL-TRAD",
                "伝統文化の継承",
                "Passing on traditions",
                "勧進帳など地域の伝統文化を学び、次の世代へ伝える。",
                "Learns local traditions such as Kanjincho and passes them on.",
            ),
            (
                "IND-AGRI",
                "農業と6次産業化",
                "Farming and food businesses",
                "地域の農産物を育て、加工し、届ける仕組みを理解し実践する。",
                "Grows, processes and sells local produce.",
            ),
        ],
    ),
]

# The three steps every competency is described in; staff refine them per competency.
COMPETENCY_LEVELS = [
    (
        1,
        "知る",
        "Aware",
        "{name}について基本を知り、説明できる。",
        "Knows the basics of {name} and can explain them.",
    ),
    (
        2,
        "実践できる",
        "Practising",
        "{name}を地域の活動で実践できる。",
        "Practises {name} in local activities.",
    ),
    (
        3,
        "教え・導ける",
        "Leading",
        "{name}をほかの人に教え、活動を導ける。",
        "Teaches {name} to others and leads activities.",
    ),
]


@transaction.atomic
def ensure_city_themes():
    """The four city themes and two engines; rows staff have edited are left alone."""
    for sort_order, (code, kind, label, name_ja, name_en) in enumerate(CITY_THEMES, start=1):
        CityTheme.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "label": label,
                "name_ja": name_ja,
                "name_en": name_en,
                "sort_order": sort_order,
            },
        )


@transaction.atomic
def ensure_competency_framework():
    """Areas, competencies and their levels; rows staff have edited are left alone."""
    for area_order, (area_code, area_ja, area_en, competencies) in enumerate(
        COMPETENCY_FRAMEWORK, start=1
    ):
        area, _created = CompetencyArea.objects.get_or_create(
            code=area_code,
            defaults={"name_ja": area_ja, "name_en": area_en, "sort_order": area_order},
        )
        for order, (code, name_ja, name_en, description_ja, description_en) in enumerate(
            competencies, start=1
        ):
            competency, created = Competency.objects.get_or_create(
                code=code,
                defaults={
                    "area": area,
                    "name_ja": name_ja,
                    "name_en": name_en,
                    "description_ja": description_ja,
                    "description_en": description_en,
                    "sort_order": order,
                },
            )
            if created:
                CompetencyLevel.objects.bulk_create(
                    CompetencyLevel(
                        competency=competency,
                        level=level,
                        sort_order=level,
                        name_ja=level_ja,
                        name_en=level_en,
                        description_ja=text_ja.format(name=name_ja),
                        description_en=text_en.format(name=name_en.lower()),
                    )
                    for level, level_ja, level_en, text_ja, text_en in COMPETENCY_LEVELS
                )


def ensure_curriculum_reference_data():
    ensure_life_stages()
    ensure_sustainable_development_goals()
    ensure_city_themes()
    ensure_competency_framework()
    ensure_supervision_workflow()
