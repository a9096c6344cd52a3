"""Steps that create or change curriculum reference data. Each is idempotent."""

from django.db import transaction

from curriculum.models import LifeStage, SustainableDevelopmentGoal

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


def ensure_curriculum_reference_data():
    ensure_life_stages()
    ensure_sustainable_development_goals()
