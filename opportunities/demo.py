"""Demo local activities for a realistic Komatsu site: organisations, the opportunities
they offer with their shifts, and the matching profiles of the demo graduates.

Everything is fictional, but grounded in the city's SDGs plan (木場潟, フローラルこまつ,
白砂青松, 自主防災組織, いきいきサロン, ごみダイエット, 日本語教室, サイエンスヒルズこまつ,
the canoe host town). Re-running finds what it made before (organisations by Japanese
name, opportunities by organisation and Japanese title, profiles by account) and leaves
it alone, so the demo never holds duplicates.

The demo coordinator (``coordinator``) acts for the Kibagata park association and the
Kiba neighbourhood's disaster-prevention group only, so that the admin shows what a
coordinator may and may not see. Badges are looked up by words in their Japanese name
(the demo courses' badges); a badge that is missing is simply not asked for.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from curriculum.models import BadgeDefinition, Competency, LifeStage, SustainableDevelopmentGoal
from learners.models import BadgeAward, ConsentPurpose, ConsentRecord, District, SpokenLanguage
from learners.services.accounts import record_consents
from learners.services.badges import BadgeNotAwardable, award_badge, is_child
from opportunities.matching import AFTERNOON, EVENING, MORNING, TOKYO
from opportunities.models import (
    LanguageLevel,
    MatchingProfile,
    Opportunity,
    OpportunityCompetency,
    OpportunityLanguage,
    Organisation,
    PhysicalIntensity,
    Placement,
    Shift,
)
from opportunities.models.profiles import SLOT_CODES, WEEKDAY_CODES
from opportunities.services.profiles import is_open_to_offers, update_matching_profile

DEMO_EMAIL_DOMAIN = "demo.manabi.example"  # as learners.demo
DEMO_COORDINATOR = "coordinator"
# Matching profiles go to demo graduates of this age or over (younger ones need a
# guardian's agreement, which arrives later).
ADULT_AGE = 18
# Share of the adults who had not agreed to offers at sign-up who agree now; the others
# keep a profile without consent and are never proposed.
LATE_CONSENT_SHARE = 0.35
# Graduates who can take each open opportunity that requires badges (or languages): made
# (awarded "demo") until there are this many, so that matching proposes real people.
MATCHABLE_WANTED = {"kibagata": 7}
MATCHABLE_WANTED_DEFAULT = 3
FIRST_SHIFT_AFTER_DAYS = 14  # shifts fall 2 to 6 weeks after ``today``

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
LIGHT, MODERATE, DEMANDING = (
    PhysicalIntensity.LIGHT,
    PhysicalIntensity.MODERATE,
    PhysicalIntensity.DEMANDING,
)
BASIC, CONVERSATIONAL, FLUENT = (
    LanguageLevel.BASIC,
    LanguageLevel.CONVERSATIONAL,
    LanguageLevel.FLUENT,
)


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name_ja: str
    name_en: str
    kind: str
    district: str
    contact_name: str
    contact_phone: str
    coordinated_by_demo_coordinator: bool = False


@dataclass(frozen=True)
class DemoShift:
    weekday: int  # 0 = Monday
    starts: str  # "09:00", Komatsu time
    ends: str
    week: int  # 0 = the first week with shifts (two weeks from today), up to 3
    place: str
    capacity: int


@dataclass(frozen=True)
class DemoOpportunity:
    organisation: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    sdgs: tuple
    shifts: tuple
    required_badges: tuple = ()  # words in the badge's Japanese name
    preferred_badges: tuple = ()
    competencies: tuple = ()  # (competency code, level, required)
    languages: tuple = ()  # (language code, level, required)
    life_stages: tuple = ()  # LifeStage slugs; empty for every stage
    min_age: int | None = None
    minors_need_guardian_consent: bool = True
    intensity: str = LIGHT
    accessibility_notes: str = ""
    status: str = Opportunity.Status.OPEN
    district: str | None = None  # the organisation's when None
    point: tuple | None = None  # (latitude, longitude) of the meeting place
    placed: int = 0  # confirmed placements on its first shift


Kind = Organisation.Kind

DEMO_ORGANISATIONS = (
    DemoOrganisation(
        "kibagata",
        "木場潟公園協会",
        "Kibagata Park Association",
        Kind.NPO,
        "kiba",
        "北村 誠",
        "0761-00-1001",
        coordinated_by_demo_coordinator=True,
    ),
    DemoOrganisation(
        "kiba-bosai",
        "木場町内会 自主防災会",
        "Kiba Neighbourhood Association Disaster-Prevention Group",
        Kind.NEIGHBOURHOOD_ASSOCIATION,
        "kiba",
        "西田 正雄",
        "0761-00-1002",
        coordinated_by_demo_coordinator=True,
    ),
    DemoOrganisation(
        "floral",
        "フローラルこまつ推進協議会",
        "Floral Komatsu Council",
        Kind.NPO,
        "rojo",
        "松本 恵子",
        "0761-00-1003",
    ),
    DemoOrganisation(
        "ataka-pines",
        "安宅海岸 白砂青松の会",
        "Ataka Coast White Sand and Green Pines Group",
        Kind.NPO,
        "ataka",
        "前田 博",
        "0761-00-1004",
    ),
    DemoOrganisation(
        "wakamatsu-salon",
        "稚松地区老人会 いきいきサロン",
        "Wakamatsu Seniors' Club Iki-iki Salon",
        Kind.SENIORS_CLUB,
        "wakamatsu",
        "山口 和子",
        "0761-00-1005",
    ),
    DemoOrganisation(
        "city-environment",
        "小松市 環境推進課",
        "Komatsu City Environment Promotion Division",
        Kind.CITY_DEPARTMENT,
        "rojo",
        "坂井 翔太",
        "0761-00-1006",
    ),
    DemoOrganisation(
        "food-drive",
        "NPO法人 こまつフードドライブネット",
        "Komatsu Food Drive Network (NPO)",
        Kind.NPO,
        "imae",
        "林 由美",
        "0761-00-1007",
    ),
    DemoOrganisation(
        "international",
        "小松市国際交流協会",
        "Komatsu International Association",
        Kind.NPO,
        "shoyo",
        "吉田 美咲",
        "0761-00-1008",
    ),
    DemoOrganisation(
        "science-hills",
        "サイエンスヒルズこまつ",
        "Science Hills Komatsu",
        Kind.CITY_DEPARTMENT,
        "nawashiro",
        "清水 大輝",
        "0761-00-1009",
    ),
    DemoOrganisation(
        "awazu-kominkan",
        "粟津公民館",
        "Awazu Community Centre",
        Kind.COMMUNITY_CENTRE,
        "awazu",
        "辻 幸子",
        "0761-00-1010",
    ),
    DemoOrganisation(
        "ataka-school",
        "小松市立安宅小学校",
        "Ataka Elementary School",
        Kind.SCHOOL,
        "ataka",
        "高橋 健太",
        "0761-00-1011",
    ),
    DemoOrganisation(
        "satoyama-farm",
        "こまつ里山ファーム株式会社",
        "Komatsu Satoyama Farm Co., Ltd.",
        Kind.COMPANY,
        "nishio",
        "中村 翼",
        "0761-00-1012",
    ),
)

KIBAGATA_CENTRE = (36.35900, 136.47300)  # 木場潟公園 中央園地, approximately
KIBAGATA_CANOE = (36.35400, 136.46900)  # 木場潟カヌー競技場, approximately
ATAKA_COAST = (36.42900, 136.40400)
SCIENCE_HILLS = (36.40600, 136.45700)

STEP_FREE_KIBAGATA = (
    "集合場所の中央園地は段差がなく、多目的トイレがあります。湖岸の一部は砂利道です。"
    "小松駅から木場潟公園行きのバスがあります。\n"
    "The meeting point at the central park area is step-free and has an accessible "
    "toilet; part of the shore path is gravel. A bus runs from Komatsu Station."
)

DEMO_OPPORTUNITIES = (
    # 木場潟公園協会 (the demo coordinator's)
    DemoOpportunity(
        "kibagata",
        "木場潟 定例水質調査の調査員",
        "Kibagata regular water-quality survey",
        "毎月の定例調査で、湖内の決まった地点の透明度・水温・CODを測り、記録票にまとめます。"
        "国・県・金沢大学と共有するデータになります。水質調査リーダー養成講座の修了が条件です。",
        "At the monthly survey, measure transparency, water temperature and COD at fixed "
        "points on the lake and fill in the record sheet; the data is shared with the "
        "state, the prefecture and Kanazawa University. For graduates of the water-survey "
        "leader course.",
        sdgs=(6, 14, 15),
        shifts=(
            DemoShift(SAT, "09:00", "11:30", 0, "木場潟公園 中央園地 管理棟前", 6),
            DemoShift(SAT, "09:00", "11:30", 2, "木場潟公園 中央園地 管理棟前", 6),
        ),
        required_badges=("水質調査リーダー",),
        preferred_badges=("木場潟の生きもの",),
        competencies=(("ENV-WATER", 2, False), ("SDG-LIT", 1, False)),
        min_age=18,
        intensity=MODERATE,
        accessibility_notes=STEP_FREE_KIBAGATA,
        point=KIBAGATA_CENTRE,
        placed=1,
    ),
    DemoOpportunity(
        "kibagata",
        "木場潟 湖岸クリーンアップ",
        "Kibagata shore clean-up",
        "湖岸の遊歩道と水辺のごみを拾い、種類ごとに分けて数えます。"
        "外国人住民の参加も多く、ポルトガル語やベトナム語ができる方は声かけに助かります。",
        "Pick up litter along the shore path and at the water's edge, sort it and count "
        "it. Many residents from abroad take part: Portuguese or Vietnamese helps.",
        sdgs=(6, 12, 14),
        shifts=(
            DemoShift(SUN, "08:30", "10:30", 1, "木場潟公園 南園地 駐車場", 15),
            DemoShift(SUN, "08:30", "10:30", 3, "木場潟公園 北園地 駐車場", 12),
        ),
        preferred_badges=("木場潟の生きもの", "ごみダイエット"),
        competencies=(("ENV-3R", 1, False),),
        languages=(("pt", BASIC, False), ("vi", BASIC, False)),
        intensity=MODERATE,
        accessibility_notes=STEP_FREE_KIBAGATA,
        point=KIBAGATA_CENTRE,
        placed=3,
    ),
    DemoOpportunity(
        "kibagata",
        "木場潟 生きもの観察会の子ども案内役",
        "Guide for the children's Kibagata wildlife walk",
        "親子の観察会で、水辺の生きものや水草を一緒に探し、見つけたものを分かりやすく説明します。"
        "講座「木場潟の生きものと水」の修了が条件です。",
        "At a walk for parents and children, look for creatures and water plants together "
        "and explain what they find in simple words. For graduates of the course on "
        "Kibagata's wildlife and water.",
        sdgs=(4, 14, 15),
        shifts=(
            DemoShift(SAT, "13:30", "15:30", 1, "木場潟公園 中央園地 水辺の観察デッキ", 4),
            DemoShift(SAT, "13:30", "15:30", 3, "木場潟公園 中央園地 水辺の観察デッキ", 4),
        ),
        required_badges=("木場潟の生きもの",),
        preferred_badges=("科学ガイド",),
        competencies=(("ENV-WATER", 1, False), ("SCI-GUIDE", 1, False)),
        min_age=18,
        accessibility_notes=STEP_FREE_KIBAGATA,
        point=KIBAGATA_CENTRE,
    ),
    DemoOpportunity(
        "kibagata",
        "木場潟カヌー競技場 来訪チームのおもてなし",
        "Welcoming visiting canoe teams at Kibagata",
        "ホストタウンとして、木場潟カヌー競技場で合宿する海外チームを迎えます。"
        "受付、会場案内、地元の店や交通の案内をします。英語が少しでもできる方を募集します。",
        "As the host town, welcome teams from abroad training at the Kibagata canoe "
        "course: reception, finding the way around the venue, local shops and transport. "
        "Some English is needed.",
        sdgs=(3, 11, 17),
        shifts=(
            DemoShift(SAT, "09:00", "12:00", 2, "木場潟カヌー競技場 艇庫前", 5),
            DemoShift(SUN, "09:00", "12:00", 2, "木場潟カヌー競技場 艇庫前", 5),
        ),
        preferred_badges=("やさしい日本語",),
        competencies=(("INC-MULTI", 1, False),),
        languages=(("en", BASIC, True), ("pt", BASIC, False)),
        min_age=16,
        accessibility_notes=STEP_FREE_KIBAGATA,
        point=KIBAGATA_CANOE,
    ),
    # 木場町内会 自主防災会 (the demo coordinator's)
    DemoOpportunity(
        "kiba-bosai",
        "外国人住民と一緒に 避難所運営訓練(ポルトガル語サポート)",
        "Shelter drill with residents from abroad (Portuguese support)",
        "木場小学校の体育館を避難所に見立て、受付・名簿づくり・物資配布を訓練します。"
        "ブラジル出身の住民に、ポルトガル語で手順を伝えるサポート役を募集します。",
        "A drill running the Kiba school gym as a shelter: reception, the list of evacuees, "
        "handing out supplies. We need people to explain the steps in Portuguese to "
        "residents from Brazil.",
        sdgs=(10, 11, 13, 17),
        shifts=(DemoShift(SUN, "09:00", "12:00", 0, "木場小学校 体育館", 4),),
        preferred_badges=("地域防災と多文化共生", "自主防災組織"),
        competencies=(("SAFE-DISASTER", 2, False), ("INC-MULTI", 2, False)),
        languages=(("pt", CONVERSATIONAL, True), ("vi", BASIC, False)),
        min_age=18,
        intensity=MODERATE,
        accessibility_notes=(
            "体育館の入口にスロープがあります。\nThere is a ramp at the gym entrance."
        ),
    ),
    DemoOpportunity(
        "kiba-bosai",
        "地区防災訓練 炊き出しと安否確認",
        "District disaster drill: field kitchen and safety checks",
        "地区の防災訓練で、炊き出し班と安否確認班に分かれて活動します。"
        "前週の夜に公民館で打合せがあります。自主防災組織の講座の修了が条件です。",
        "At the district drill, join the field-kitchen team or the team checking on "
        "every household; a planning meeting is held at the community centre on an "
        "evening the week before. For graduates of the community disaster-prevention course.",
        sdgs=(3, 11, 13),
        shifts=(
            DemoShift(THU, "19:00", "20:30", 1, "木場公民館 会議室", 8),
            DemoShift(SAT, "09:00", "12:00", 2, "木場町 ふれあい広場", 10),
        ),
        required_badges=("自主防災組織",),
        preferred_badges=("地域防災と多文化共生",),
        competencies=(("SAFE-DISASTER", 2, False),),
        languages=(("pt", BASIC, False), ("vi", BASIC, False)),
        min_age=18,
        intensity=DEMANDING,
        accessibility_notes=(
            "広場は屋外で、立ち仕事が続きます。\nOutdoors, standing for most of the morning."
        ),
        placed=2,
    ),
    # フローラルこまつ推進協議会
    DemoOpportunity(
        "floral",
        "フローラルこまつ 駅前花壇の植え替え",
        "Floral Komatsu: replanting the station flowerbeds",
        "小松駅前の花壇で、季節の花苗を植え替えます。道具は用意します。"
        "花と緑のまちづくりに、年8,000人以上が参加しています。",
        "Replant the flowerbeds in front of Komatsu Station with seasonal seedlings; tools "
        "are provided. More than 8,000 people a year take part in Floral Komatsu.",
        sdgs=(11, 15),
        shifts=(
            DemoShift(SAT, "09:00", "11:00", 0, "小松駅 西口 花壇", 10),
            DemoShift(SAT, "09:00", "11:00", 3, "小松駅 東口 花壇", 10),
        ),
        preferred_badges=("花育サポーター",),
        competencies=(("ENV-GREEN", 2, False),),
        intensity=MODERATE,
        accessibility_notes="駅前広場は段差がありません。\nThe station square is step-free.",
        placed=2,
    ),
    DemoOpportunity(
        "floral",
        "保育園の花育教室サポーター",
        "Flower-education helper at a nursery school",
        "保育園で子どもたちと球根やプランターの花を育てる「花育」教室を手伝います。"
        "花育サポーター講座の修了が条件です。",
        "Help at a nursery school's flower-education class, growing bulbs and planters "
        "with the children. For graduates of the flower-education supporter course.",
        sdgs=(4, 11, 15),
        shifts=(
            DemoShift(WED, "10:00", "11:30", 1, "芦城保育園", 3),
            DemoShift(WED, "10:00", "11:30", 3, "稚松保育園", 3),
        ),
        required_badges=("花育サポーター",),
        competencies=(("ENV-GREEN", 2, False),),
        min_age=20,
        accessibility_notes="室内と園庭で行います。\nIndoors and in the nursery garden.",
    ),
    DemoOpportunity(
        "floral",
        "木場潟公園 花しょうぶ園の株分け",
        "Dividing the irises at the Kibagata iris garden",
        "花しょうぶ園の株を掘り上げて株分けし、植え直します。定員に達したため募集を締め切りました。",
        "Lift, divide and replant the irises of the iris garden. The places are taken: "
        "applications are closed.",
        sdgs=(11, 15),
        shifts=(DemoShift(SAT, "09:00", "12:00", 1, "木場潟公園 花しょうぶ園", 8),),
        preferred_badges=("花育サポーター",),
        intensity=DEMANDING,
        status=Opportunity.Status.CLOSED,
        district="kiba",
        point=KIBAGATA_CENTRE,
    ),
    # 安宅海岸 白砂青松の会
    DemoOpportunity(
        "ataka-pines",
        "安宅海岸 松林の下草刈りと松葉かき",
        "Ataka coast: clearing undergrowth and raking pine needles",
        "白砂青松を取り戻すため、クロマツ林の下草を刈り、落ちた松葉をかき集めます。"
        "砂地での作業で体力を使います。",
        "To bring back the white sand and green pines, clear the undergrowth of the black "
        "pine forest and rake up fallen needles. Work on sand: physically tiring.",
        sdgs=(13, 14, 15),
        shifts=(
            DemoShift(SAT, "09:00", "12:00", 1, "安宅海岸 松林入口(安宅住吉神社 北側)", 15),
            DemoShift(SAT, "09:00", "12:00", 3, "安宅海岸 松林入口(安宅住吉神社 北側)", 15),
        ),
        preferred_badges=("白砂青松",),
        competencies=(("ENV-GREEN", 1, False),),
        min_age=15,
        intensity=DEMANDING,
        accessibility_notes=(
            "砂地と林の中の作業で、車いすでの参加は難しい場所です。仮設トイレがあります。\n"
            "Work on sand and in the woods: hard to reach in a wheelchair. Portable toilet."
        ),
        point=ATAKA_COAST,
        placed=2,
    ),
    DemoOpportunity(
        "ataka-pines",
        "緑の少年団 活動サポーター",
        "Helper for the Green Youth Corps",
        "小学生の「緑の少年団」と一緒にクロマツの苗の世話をし、安全を見守ります。",
        "Look after black-pine seedlings with the elementary pupils of the Green Youth "
        "Corps and keep an eye on their safety.",
        sdgs=(4, 15),
        shifts=(DemoShift(SUN, "09:30", "11:30", 2, "安宅海岸 苗畑", 4),),
        preferred_badges=("白砂青松", "緑の少年団"),
        life_stages=("adult", "senior"),
        intensity=MODERATE,
        point=ATAKA_COAST,
    ),
    # 稚松地区老人会 いきいきサロン
    DemoOpportunity(
        "wakamatsu-salon",
        "いきいきサロン 健康体操の見守り",
        "Iki-iki salon: helping at the health exercises",
        "町内の集会所で開くサロンで、いすに座ってできる体操を一緒に行い、参加者の様子を見守ります。"
        "フレイル予防の取り組みです。",
        "At the neighbourhood salon, do the chair exercises together with the participants "
        "and keep an eye on how everyone is doing: part of frailty prevention.",
        sdgs=(3, 11),
        shifts=(
            DemoShift(TUE, "13:30", "15:00", 0, "稚松町 第二集会所", 3),
            DemoShift(TUE, "13:30", "15:00", 1, "稚松町 第二集会所", 3),
            DemoShift(TUE, "13:30", "15:00", 2, "稚松町 第二集会所", 3),
        ),
        preferred_badges=("健康長寿",),
        competencies=(("INC-CARE", 2, False),),
        accessibility_notes=(
            "集会所は玄関に小さな段差があり、手すりがあります。\n"
            "A small step at the entrance, with a handrail."
        ),
        placed=1,
    ),
    DemoOpportunity(
        "wakamatsu-salon",
        "いきいきサロン お茶会と脳トレの進行役",
        "Iki-iki salon: hosting the tea and brain-training hour",
        "お茶を飲みながら、回想法や簡単な脳トレのゲームを進行します。"
        "講座「健康長寿とフレイル予防」の修了が条件です。",
        "Over tea, lead reminiscence talk and simple brain-training games. For graduates "
        "of the course on healthy ageing and frailty prevention.",
        sdgs=(3, 10, 11),
        shifts=(
            DemoShift(THU, "14:00", "15:30", 1, "稚松公民館 和室", 3),
            DemoShift(THU, "14:00", "15:30", 3, "稚松公民館 和室", 3),
        ),
        required_badges=("健康長寿",),
        competencies=(("INC-CARE", 2, False),),
        life_stages=("adult", "senior"),
        accessibility_notes="和室で、いすも用意します。\nA tatami room; chairs are available.",
    ),
    # 小松市 環境推進課
    DemoOpportunity(
        "city-environment",
        "ごみダイエット 分別アドバイザー(ごみステーション)",
        "Gomi Diet sorting adviser at a collection point",
        "ごみ半減プロジェクトの一環で、朝のごみステーションで分別の仕方を案内します。"
        "外国人住民が多い地区では、やさしい日本語や母語での案内が役立ちます。",
        "For the project to halve waste, show people at a morning collection point how to "
        "sort their rubbish. Easy Japanese or residents' own languages help where many "
        "residents come from abroad.",
        sdgs=(11, 12),
        shifts=(
            DemoShift(TUE, "07:30", "08:30", 1, "向本折町 第3ごみステーション", 3),
            DemoShift(FRI, "07:30", "08:30", 1, "今江町 第5ごみステーション", 3),
        ),
        preferred_badges=("ごみダイエット", "やさしい日本語"),
        competencies=(("ENV-3R", 2, False), ("INC-MULTI", 1, False)),
        languages=(("pt", BASIC, False), ("vi", BASIC, False), ("zh", BASIC, False)),
        district="mukaimotoori",
    ),
    DemoOpportunity(
        "city-environment",
        "エコロジーパークこまつ 見学案内",
        "Guiding visitors at Ecology Park Komatsu",
        "ごみ処理の余熱で発電するエコロジーパークこまつで、小学生の見学を案内します。",
        "Guide school classes around Ecology Park Komatsu, which makes electricity from "
        "the heat of burning waste.",
        sdgs=(7, 12),
        shifts=(DemoShift(FRI, "10:00", "11:30", 2, "エコロジーパークこまつ 見学者入口", 3),),
        preferred_badges=("ごみダイエット",),
        competencies=(("ENV-3R", 2, False),),
        status=Opportunity.Status.DRAFT,
        district="kokufu",
    ),
    # NPO法人 こまつフードドライブネット
    DemoOpportunity(
        "food-drive",
        "フードドライブ 受付と仕分け",
        "Food drive: reception and sorting",
        "家庭で余っている食品を受け付け、賞味期限を確かめて種類ごとに仕分けます。"
        "食品ロスを減らし、必要な家庭に届けます。",
        "Take in food that households do not need, check the best-before dates and sort "
        "it by kind: less food loss, and food for families who need it.",
        sdgs=(1, 2, 12),
        shifts=(
            DemoShift(SAT, "10:00", "12:00", 0, "今江町 市民センター 1階ホール", 6),
            DemoShift(SAT, "10:00", "12:00", 2, "今江町 市民センター 1階ホール", 6),
        ),
        preferred_badges=("ごみダイエット",),
        competencies=(("ENV-3R", 1, False),),
        intensity=MODERATE,
        accessibility_notes="1階で、段差はありません。\nOn the ground floor, step-free.",
        placed=1,
    ),
    DemoOpportunity(
        "food-drive",
        "フードパントリー 配布ボランティア",
        "Food pantry: handing out food",
        "子育て家庭やひとり暮らしの方に食品を手渡しします。"
        "ポルトガル語・ベトナム語・フィリピノ語で声をかけられる方は特に歓迎します。",
        "Hand out food to families with children and to people living alone. Portuguese, "
        "Vietnamese or Filipino speakers are especially welcome.",
        sdgs=(1, 2, 10),
        shifts=(
            DemoShift(SAT, "14:00", "16:00", 1, "今江町 市民センター 調理室", 5),
            DemoShift(SAT, "14:00", "16:00", 3, "今江町 市民センター 調理室", 5),
        ),
        languages=(("pt", BASIC, False), ("vi", BASIC, False), ("fil", BASIC, False)),
        intensity=MODERATE,
    ),
    # 小松市国際交流協会
    DemoOpportunity(
        "international",
        "日本語教室の学習サポーター(夜の部)",
        "Evening Japanese class: learning supporter",
        "働きながら日本語を学ぶ外国人住民と、やさしい日本語で会話練習や読み書きの練習をします。"
        "教える資格は要りません。",
        "Practise conversation, reading and writing in easy Japanese with residents from "
        "abroad who study Japanese while they work. No teaching qualification needed.",
        sdgs=(4, 10),
        shifts=(
            DemoShift(TUE, "19:00", "20:30", 0, "小松市国際交流協会 研修室", 6),
            DemoShift(TUE, "19:00", "20:30", 1, "小松市国際交流協会 研修室", 6),
            DemoShift(TUE, "19:00", "20:30", 2, "小松市国際交流協会 研修室", 6),
        ),
        preferred_badges=("やさしい日本語",),
        competencies=(("INC-MULTI", 2, False),),
        languages=(("ja", FLUENT, True),),
        min_age=18,
        accessibility_notes=(
            "建物の2階で、エレベーターがあります。\nSecond floor; there is a lift."
        ),
        placed=2,
    ),
    DemoOpportunity(
        "international",
        "外国人住民の暮らし相談会 通訳サポート",
        "Daily-life advice day for residents from abroad: interpreting",
        "住まい・子育て・ごみの出し方などの相談会で、相談員と相談者の間をつなぎます。",
        "At an advice day on housing, childcare, rubbish and more, help the advisers and "
        "the residents understand each other.",
        sdgs=(10, 11, 16),
        shifts=(DemoShift(SUN, "13:00", "16:00", 2, "小松市国際交流協会 相談室", 4),),
        preferred_badges=("やさしい日本語",),
        competencies=(("INC-MULTI", 2, False),),
        languages=(
            ("ja", CONVERSATIONAL, True),
            ("pt", CONVERSATIONAL, False),
            ("vi", CONVERSATIONAL, False),
            ("zh", CONVERSATIONAL, False),
            ("fil", CONVERSATIONAL, False),
        ),
        min_age=18,
    ),
    DemoOpportunity(
        "international",
        "子ども日本語教室(放課後)",
        "After-school Japanese class for children",
        "日本に来たばかりの子どもたちの宿題や日本語の学習を手伝います。(準備中)",
        "Help children who have just arrived in Japan with homework and Japanese. "
        "(Being prepared.)",
        sdgs=(4, 10),
        shifts=(DemoShift(WED, "15:30", "17:00", 2, "小松市国際交流協会 研修室", 4),),
        preferred_badges=("やさしい日本語",),
        languages=(("ja", FLUENT, True),),
        min_age=20,
        status=Opportunity.Status.DRAFT,
    ),
    # サイエンスヒルズこまつ
    DemoOpportunity(
        "science-hills",
        "サイエンスヒルズこまつ 週末の科学ガイド",
        "Weekend science guide at Science Hills Komatsu",
        "3Dシアターや展示の前で、来館した親子に科学のしくみを分かりやすく説明します。"
        "科学ガイド入門講座の修了が条件です。",
        "In front of the 3D theatre and the exhibits, explain how things work to visiting "
        "families. For graduates of the introduction to science guiding.",
        sdgs=(4, 9),
        shifts=(
            DemoShift(SAT, "13:00", "16:00", 1, "サイエンスヒルズこまつ ひととものづくり科学館", 3),
            DemoShift(SUN, "13:00", "16:00", 1, "サイエンスヒルズこまつ ひととものづくり科学館", 3),
        ),
        required_badges=("科学ガイド",),
        competencies=(("SCI-GUIDE", 2, False),),
        languages=(("en", BASIC, False),),
        accessibility_notes=(
            "館内はバリアフリーで、車いすの貸出があります。\n"
            "The building is step-free; wheelchairs can be borrowed."
        ),
        point=SCIENCE_HILLS,
    ),
    DemoOpportunity(
        "science-hills",
        "ものづくり体験ワークショップの補助",
        "Assistant at the making workshop",
        "小中学生がプログラミングや工作に挑戦するワークショップで、道具の準備や作業の手伝いをします。",
        "Prepare the tools and help pupils try programming and making things at the workshop.",
        sdgs=(4, 9),
        shifts=(DemoShift(SUN, "10:00", "12:00", 3, "サイエンスヒルズこまつ ワークショップ室", 4),),
        preferred_badges=("ものづくりとICT",),
        competencies=(("SCI-ICT", 1, False),),
        min_age=16,
        point=SCIENCE_HILLS,
    ),
    # 粟津公民館
    DemoOpportunity(
        "awazu-kominkan",
        "粟津公民館 こども食堂の調理と見守り",
        "Awazu children's canteen: cooking and looking after children",
        "月2回のこども食堂で、地元の野菜を使った昼食づくりと、子どもたちの見守りをします。",
        "At the twice-monthly children's canteen, cook lunch with local vegetables and "
        "look after the children.",
        sdgs=(1, 2, 3),
        shifts=(
            DemoShift(SAT, "10:30", "13:30", 0, "粟津公民館 調理室", 6),
            DemoShift(SAT, "10:30", "13:30", 2, "粟津公民館 調理室", 6),
        ),
        preferred_badges=("ごみダイエット", "6次産業化"),
        min_age=18,
        intensity=MODERATE,
        accessibility_notes="1階で、段差はありません。\nOn the ground floor, step-free.",
    ),
    # 小松市立安宅小学校
    DemoOpportunity(
        "ataka-school",
        "子ども歌舞伎「勧進帳」稽古のお手伝い",
        "Helping at the children's Kabuki rehearsals of Kanjincho",
        "毎年小中学生が演じる「勧進帳」の稽古で、衣装の着付けや道具の準備を手伝います。",
        "Help with costumes and props at the rehearsals of Kanjincho, which the city's "
        "pupils perform every year.",
        sdgs=(4, 11),
        shifts=(
            DemoShift(SAT, "13:00", "15:00", 0, "安宅小学校 体育館", 3),
            DemoShift(SAT, "13:00", "15:00", 1, "安宅小学校 体育館", 3),
        ),
        preferred_badges=("勧進帳",),
        competencies=(("CUL-TRAD", 1, False),),
        min_age=20,
    ),
    # こまつ里山ファーム株式会社
    DemoOpportunity(
        "satoyama-farm",
        "里山ファーム 冬野菜の収穫とマルシェ出店",
        "Satoyama farm: winter harvest and the farmers' market",
        "西尾地区の畑でにんじんや大根を収穫し、翌日のマルシェで販売を手伝います。"
        "農業と6次産業化を体験できます。",
        "Harvest carrots and daikon in the Nishio fields, and help sell them at the "
        "market the next day: farming and food business at first hand.",
        sdgs=(2, 8, 12, 15),
        shifts=(
            DemoShift(SAT, "09:00", "12:00", 1, "こまつ里山ファーム 西尾農場", 8),
            DemoShift(SUN, "10:00", "14:00", 1, "小松駅前 こまつマルシェ", 4),
        ),
        preferred_badges=("6次産業化", "里山"),
        competencies=(("IND-AGRI", 1, False),),
        min_age=16,
        intensity=DEMANDING,
        accessibility_notes=(
            "畑は未舗装です。送迎の相談ができます。\nThe fields are unpaved; ask about a lift."
        ),
    ),
)


# Helpers ------------------------------------------------------------------------------------


def _km(first, second):
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, half)))


def _part_of_day(hour):
    return EVENING if hour >= 17 else AFTERNOON if hour >= 12 else MORNING


def _slot_code(moment):
    local = moment.astimezone(TOKYO)
    return f"{WEEKDAY_CODES[local.weekday()]}-{_part_of_day(local.hour)}"


def _in_new_year_holidays(day):
    """29 December to 3 January, when offices, schools and community centres close."""
    return (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3)


def _shift_times(shift, today):
    first_day = today + timedelta(days=FIRST_SHIFT_AFTER_DAYS)
    day = first_day + timedelta(days=(shift.weekday - first_day.weekday()) % 7 + 7 * shift.week)
    if _in_new_year_holidays(day):  # nobody volunteers then: a week earlier, or later
        earlier = day - timedelta(days=7)
        day = earlier if earlier >= first_day and not _in_new_year_holidays(earlier) else day
        while _in_new_year_holidays(day):
            day += timedelta(days=7)
    starts = datetime.combine(day, time.fromisoformat(shift.starts), TOKYO)
    ends = datetime.combine(day, time.fromisoformat(shift.ends), TOKYO)
    return starts, ends


def find_badge(words, badges):
    """The first active badge whose Japanese name contains ``words``, or None."""
    return next((badge for badge in badges if words in badge.name_ja), None)


def demo_graduates():
    """The accounts that get matching profiles: the demo learners and the ``learner``
    demo account, in a fixed order (adults among them; see ``_is_adult``)."""
    return (
        get_user_model()
        .objects.filter(Q(username__startswith="demo-learner-") | Q(username="learner"))
        .select_related("learner_profile__district")
        .prefetch_related("learner_profile__languages", "learner_profile__interests")
        .order_by("username")
    )


def progress_total():
    """How many times ``create_demo_opportunities`` calls ``on_progress``."""
    return len(DEMO_ORGANISATIONS) + len(DEMO_OPPORTUNITIES) + demo_graduates().count()


def _is_adult(user, today):
    profile = getattr(user, "learner_profile", None)
    if profile is None or is_child(user):
        return False
    return today.year - profile.birth_year >= ADULT_AGE


# Organisations and opportunities --------------------------------------------------------------


def _create_organisations(on_progress):
    districts = {district.code: district for district in District.objects.all()}
    coordinator = get_user_model().objects.filter(username=DEMO_COORDINATOR).first()
    organisations, created = {}, 0
    for item in DEMO_ORGANISATIONS:
        organisation, was_created = Organisation.objects.get_or_create(
            name_ja=item.name_ja,
            defaults={
                "name_en": item.name_en,
                "kind": item.kind,
                "district": districts[item.district],
                "contact_name": item.contact_name,
                "contact_email": f"{item.key}@{DEMO_EMAIL_DOMAIN}",
                "contact_phone": item.contact_phone,
            },
        )
        if was_created:
            created += 1
            if item.coordinated_by_demo_coordinator and coordinator is not None:
                organisation.coordinators.add(coordinator)
        organisations[item.key] = organisation
        on_progress()
    return organisations, created


def _create_opportunity(item, organisation, today, reference):
    opportunity = Opportunity.objects.create(
        organisation=organisation,
        title_ja=item.title_ja,
        title_en=item.title_en,
        description_ja=item.description_ja,
        description_en=item.description_en,
        district=reference["districts"][item.district or organisation.district.code],
        latitude=item.point[0] if item.point else None,
        longitude=item.point[1] if item.point else None,
        min_age=item.min_age,
        minors_need_guardian_consent=item.minors_need_guardian_consent,
        physical_intensity=item.intensity,
        accessibility_notes=item.accessibility_notes,
        status=item.status,
    )
    opportunity.sdgs.set([reference["goals"][number] for number in item.sdgs])
    for field_name, words in (
        ("required_badges", item.required_badges),
        ("preferred_badges", item.preferred_badges),
    ):
        found = [find_badge(word, reference["badges"]) for word in words]
        getattr(opportunity, field_name).set([badge for badge in found if badge is not None])
    opportunity.life_stages.set(
        [reference["stages"][slug] for slug in item.life_stages if slug in reference["stages"]]
    )
    opportunity.save()  # ParentalManyToManyFields are written on save
    OpportunityCompetency.objects.bulk_create(
        OpportunityCompetency(
            opportunity=opportunity,
            competency=reference["competencies"][code],
            level=level,
            required=required,
        )
        for code, level, required in item.competencies
        if code in reference["competencies"]
    )
    OpportunityLanguage.objects.bulk_create(
        OpportunityLanguage(
            opportunity=opportunity,
            language=reference["languages"][code],
            level=level,
            required=required,
        )
        for code, level, required in item.languages
        if code in reference["languages"]
    )
    shifts = []
    for shift in item.shifts:
        starts_at, ends_at = _shift_times(shift, today)
        shifts.append(
            Shift(
                opportunity=opportunity,
                starts_at=starts_at,
                ends_at=ends_at,
                place=shift.place,
                capacity=shift.capacity,
            )
        )
    Shift.objects.bulk_create(shifts)
    return opportunity, len(shifts)


def _reference_data():
    return {
        "districts": {district.code: district for district in District.objects.all()},
        "goals": {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()},
        "stages": {stage.slug: stage for stage in LifeStage.objects.all()},
        "badges": list(BadgeDefinition.objects.filter(active=True).order_by("pk")),
        "competencies": {item.code: item for item in Competency.objects.all()},
        "languages": {language.code: language for language in SpokenLanguage.objects.all()},
    }


def _create_opportunities(organisations, today, reference, on_progress):
    """Each demo opportunity, created with its requirements and shifts unless its
    organisation already has one of that Japanese title. Returns
    ([(item, opportunity, created)], new opportunities, new shifts)."""
    results, created, shift_count = [], 0, 0
    for item in DEMO_OPPORTUNITIES:
        organisation = organisations[item.organisation]
        opportunity = Opportunity.objects.filter(
            organisation=organisation, title_ja=item.title_ja
        ).first()
        was_created = opportunity is None
        if was_created:
            with transaction.atomic():
                opportunity, shifts = _create_opportunity(item, organisation, today, reference)
            created += 1
            shift_count += shifts
        results.append((item, opportunity, was_created))
        on_progress()
    return results, created, shift_count


# Matching profiles ------------------------------------------------------------------------------


def _availability(rng, age):
    """Slot codes a person of ``age`` is typically free in."""
    slots = set()
    weekdays = WEEKDAY_CODES[:5]
    if age >= 65:
        slots.update(f"{day}-morning" for day in rng.sample(weekdays, rng.randint(2, 4)))
        slots.update(f"{day}-afternoon" for day in rng.sample(weekdays, rng.randint(1, 4)))
        if rng.random() < 0.4:
            slots.add("sat-morning")
    else:
        for code, share in (
            ("sat-morning", 0.6),
            ("sat-afternoon", 0.45),
            ("sun-morning", 0.5),
            ("sun-afternoon", 0.35),
        ):
            if rng.random() < share:
                slots.add(code)
        evenings = rng.randint(0, 3) if age < 30 else rng.randint(0, 2)
        slots.update(f"{day}-evening" for day in rng.sample(weekdays, evenings))
        if rng.random() < 0.2:  # shift workers and parents at home
            slots.update(f"{day}-morning" for day in rng.sample(weekdays, 2))
    if not slots:
        slots.add("sat-morning")
    return [code for code in SLOT_CODES if code in slots]


def _languages(rng, learner_languages, reference):
    """(SpokenLanguage, level) pairs from the languages on the learner profile (which
    carry no level): Japanese residents speak Japanese fluently and some English;
    residents from abroad their own language fluently and some Japanese."""
    codes = {language.code for language in learner_languages}
    japanese_resident = "ja" in codes and codes <= {"ja", "en"}
    levels = {}
    for code in codes:
        if code == "ja":
            levels[code] = FLUENT if japanese_resident else rng.choice([BASIC, CONVERSATIONAL])
        elif code == "en":
            levels[code] = rng.choice([BASIC, CONVERSATIONAL]) if japanese_resident else FLUENT
        else:
            levels[code] = FLUENT
    return [(reference["languages"][code], level) for code, level in sorted(levels.items())]


def _reach(rng, home, district_centres):
    """(district codes, travel limit in km): most people give a limit from home, some name
    districts near home, a few go anywhere."""
    draw = rng.random()
    if draw < 0.6 or home is None:
        limit = rng.choice([4, 6, 8, 10, 12, 15, 20]) if home is not None else None
        return ([home.code] if home is not None else []), limit
    if draw < 0.85:
        centre = district_centres.get(home.code)
        nearest = sorted(
            (code for code in district_centres if code != home.code),
            key=lambda code: _km(centre, district_centres[code]) if centre else 0,
        )[: rng.randint(1, 3)]
        return [home.code, *nearest], None
    return [], None


def _create_profiles(rng, today, reference, on_progress):
    """A matching profile for every adult demo graduate who has none: availability,
    reach, interests and languages drawn for their age; consent to offers for those who
    gave it at sign-up and for about half of the others. Returns (new profiles,
    consents recorded)."""
    district_centres = {
        code: (float(district.latitude), float(district.longitude))
        for code, district in reference["districts"].items()
        if district.latitude is not None
    }
    goals = list(reference["goals"].values())
    having = set(MatchingProfile.objects.values_list("user_id", flat=True))
    created = consents = 0
    for user in demo_graduates():
        # One generator per person, drawn in a fixed order: a re-run with the same seed
        # describes the same people whether or not their profile exists.
        person = random.Random(rng.getrandbits(64))  # noqa: S311 - demo data
        late_consent = person.random() < LATE_CONSENT_SHARE
        profile = getattr(user, "learner_profile", None)
        if profile is None or user.pk in having or not _is_adult(user, today):
            on_progress()
            continue
        age = today.year - profile.birth_year
        availability = _availability(person, age)
        districts, travel_limit_km = _reach(person, profile.district, district_centres)
        interests = list(profile.interests.all())
        if person.random() < 0.5:
            interests.append(person.choice(goals))
        languages = _languages(person, profile.languages.all(), reference)
        with transaction.atomic():
            open_to_offers = is_open_to_offers(user)
            if not open_to_offers and late_consent:
                record_consents(
                    user,
                    {ConsentPurpose.OPPORTUNITY_MATCHING: True},
                    source=ConsentRecord.Source.DEMO,
                    acting_user=None,
                )
                open_to_offers = True
                consents += 1
            update_matching_profile(
                user,
                open_to_offers=open_to_offers,  # as recorded: nothing new to record
                availability=availability,
                districts=[reference["districts"][code] for code in districts],
                travel_limit_km=travel_limit_km,
                interests=list({goal.pk: goal for goal in interests}.values()),
                languages=languages,
                acting_user=None,
            )
        created += 1
        on_progress()
    return created, consents


# Making sure matching finds people ------------------------------------------------------------


@dataclass
class _Graduate:
    """What the demo needs to know to tell whether a graduate could take a shift."""

    user: object
    profile: MatchingProfile
    age: int
    stage: str | None
    home: str | None
    availability: set
    districts: set
    travel_limit_km: int | None
    languages: dict
    badges: set
    busy: list


def _graduates_open_to_offers(today):
    latest = {}  # each person's latest decision on offers
    for user_id, granted in (
        ConsentRecord.objects.filter(purpose=ConsentPurpose.OPPORTUNITY_MATCHING)
        .order_by("recorded_at", "id")
        .values_list("user_id", "granted")
    ):
        latest[user_id] = granted
    stages = list(LifeStage.objects.all())
    profiles = (
        MatchingProfile.objects.filter(user__in=demo_graduates())
        .select_related("user__learner_profile__district")
        .prefetch_related("districts", "languages__language")
        .order_by("user__username")
    )
    badges = {}
    for user_id, badge_id in BadgeAward.objects.filter(revoked_at__isnull=True).values_list(
        "user_id", "badge_id"
    ):
        badges.setdefault(user_id, set()).add(badge_id)
    busy = {}
    for user_id, starts_at, ends_at in Placement.objects.filter(
        status=Placement.Status.CONFIRMED
    ).values_list("learner_id", "shift__starts_at", "shift__ends_at"):
        busy.setdefault(user_id, []).append((starts_at, ends_at))
    graduates = []
    for profile in profiles:
        user = profile.user
        if not latest.get(user.pk) or not _is_adult(user, today):
            continue
        learner = user.learner_profile
        age = today.year - learner.birth_year
        stage = LifeStage.for_age(age, stages)
        graduates.append(
            _Graduate(
                user=user,
                profile=profile,
                age=age,
                stage=stage.slug if stage else None,
                home=learner.district.code if learner.district else None,
                availability=set(profile.availability),
                districts={district.code for district in profile.districts.all()},
                travel_limit_km=profile.travel_limit_km,
                languages={row.language.code: row.level for row in profile.languages.all()},
                badges=badges.get(user.pk, set()),
                busy=busy.get(user.pk, []),
            )
        )
    return graduates


class _Need:
    """What one opportunity asks of a graduate, read from its rows."""

    def __init__(self, opportunity, district_centres):
        self.opportunity = opportunity
        self.district = opportunity.district.code
        self.required_badges = list(opportunity.required_badges.all())
        self.stages = {stage.slug for stage in opportunity.life_stages.all()}
        self.languages = {
            row.language.code: row.level
            for row in opportunity.language_requirements.select_related("language")
            if row.required
        }
        self.shifts = list(opportunity.shifts.all())
        self.centres = district_centres

    def km_from(self, graduate):
        home, here = self.centres.get(graduate.home), self.centres.get(self.district)
        return _km(home, here) if home and here else math.inf

    def suits(self, graduate):
        """Everything but badges, availability and reach (which the demo may give)."""
        if self.opportunity.min_age and graduate.age < self.opportunity.min_age:
            return False
        if self.stages and graduate.stage not in self.stages:
            return False
        return all(
            graduate.languages.get(code, 0) >= level for code, level in self.languages.items()
        )

    def reaches(self, graduate):
        if self.district in graduate.districts:
            return True
        if graduate.travel_limit_km is None:
            return not graduate.districts
        return self.km_from(graduate) <= graduate.travel_limit_km

    def available_for(self, graduate):
        """Free in the part of the day of one of its shifts (placements aside: they are
        made after, so that a re-run counts the same people)."""
        return any(_slot_code(shift.starts_at) in graduate.availability for shift in self.shifts)

    def holds_badges(self, graduate):
        return all(badge.pk in graduate.badges for badge in self.required_badges)

    def can_take(self, graduate):
        return (
            self.suits(graduate)
            and self.holds_badges(graduate)
            and self.reaches(graduate)
            and self.available_for(graduate)
        )


def _make_ready(graduate, need):
    """Give ``graduate`` what ``need`` lacks: its required badges (awarded, noted "demo"),
    the first shift's part of the day and the opportunity's district. Returns the new
    awards."""
    awarded = 0
    for badge in need.required_badges:
        if badge.pk in graduate.badges:
            continue
        try:
            _award, created = award_badge(graduate.user, badge, narrative="demo")
        except BadgeNotAwardable:
            continue
        graduate.badges.add(badge.pk)
        awarded += created
    profile = graduate.profile
    if not need.available_for(graduate) and need.shifts:
        graduate.availability.add(_slot_code(need.shifts[0].starts_at))
        profile.availability = [code for code in SLOT_CODES if code in graduate.availability]
        profile.save(update_fields=["availability", "updated_at"])
    if not need.reaches(graduate):
        profile.districts.add(need.opportunity.district)
        graduate.districts.add(need.district)
    return awarded


def _ensure_matchable_graduates(opportunities, today, reference):
    """For every open demo opportunity that requires badges or languages, make sure
    enough graduates open to offers could take it (``MATCHABLE_WANTED``): award the
    badges to the nearest suitable ones (who speak what it requires) and widen their
    profile's availability and reach if needed. Nothing changes once there are enough,
    so a re-run awards nothing. Returns (badges awarded, the user ids of everyone who can
    take one of them, whom placements leave free when they can)."""
    district_centres = {
        code: (float(district.latitude), float(district.longitude))
        for code, district in reference["districts"].items()
        if district.latitude is not None
    }
    graduates = _graduates_open_to_offers(today)
    chosen_before, needed = set(), set()
    awarded = 0
    for item, opportunity, _created in opportunities:
        if opportunity.status != Opportunity.Status.OPEN:
            continue
        need = _Need(opportunity, district_centres)
        if not need.required_badges and not need.languages:
            continue
        wanted = min(
            MATCHABLE_WANTED.get(item.organisation, MATCHABLE_WANTED_DEFAULT),
            sum(shift.capacity for shift in need.shifts),
        )
        missing = wanted - sum(need.can_take(graduate) for graduate in graduates)
        if missing > 0:
            awarded += _make_ready_nearest(graduates, need, missing, chosen_before)
        needed.update(g.user.pk for g in graduates if need.can_take(g))
    return awarded, needed


def _make_ready_nearest(graduates, need, missing, chosen_before):
    """Make ``missing`` more suitable graduates ready for ``need``: first those not yet
    chosen for another opportunity, then the nearest. Returns the badges awarded."""
    awarded = 0
    suitable = [g for g in graduates if need.suits(g) and not need.can_take(g)]
    suitable.sort(key=lambda g: (g.user.pk in chosen_before, need.km_from(g), g.user.username))
    for graduate in suitable[:missing]:
        awarded += _make_ready(graduate, need)
        chosen_before.add(graduate.user.pk)
    return awarded


def _create_placements(opportunities, today, kept_free=frozenset()):
    """Confirmed placements on the first shift of newly created opportunities that ask
    for some (``placed``), for graduates who could take it, preferring those not in
    ``kept_free`` (whom matching needs elsewhere); never a full shift."""
    graduates = _graduates_open_to_offers(today)
    district_centres = {
        district.code: (float(district.latitude), float(district.longitude))
        for district in District.objects.filter(latitude__isnull=False)
    }
    created = 0
    for item, opportunity, was_created in opportunities:
        if not was_created or not item.placed:
            continue
        need = _Need(opportunity, district_centres)
        shift = need.shifts[0]
        slot = _slot_code(shift.starts_at)
        takers = [
            g
            for g in graduates
            if need.suits(g)
            and need.holds_badges(g)
            and need.reaches(g)
            and slot in g.availability
            and not any(start < shift.ends_at and shift.starts_at < end for start, end in g.busy)
        ]
        takers.sort(
            key=lambda g: (g.user.pk in kept_free, len(g.busy), need.km_from(g), g.user.username)
        )
        for graduate in takers[: min(item.placed, shift.capacity - 1)]:
            Placement.objects.get_or_create(
                shift=shift, learner=graduate.user, defaults={"status": Placement.Status.CONFIRMED}
            )
            graduate.busy.append((shift.starts_at, shift.ends_at))
            created += 1
    return created


# The step -------------------------------------------------------------------------------------


def create_demo_opportunities(rng, *, today=None, on_progress=lambda: None):
    """Organisations, their opportunities and shifts (two to six weeks after ``today``,
    a date in Komatsu), matching profiles for the adult demo graduates, the badges that
    let several of them take the opportunities that require some, and a few confirmed
    placements. Idempotent: what exists is left alone, and a second run creates nothing.

    Returns counts: organisations, opportunities, shifts, profiles, consents (newly
    recorded), badges (awarded for the demo), placements; and open_to_offers, the
    graduates with a matching profile who are open to offers now.
    """
    today = today or timezone.localdate()
    reference = _reference_data()
    organisations, new_organisations = _create_organisations(on_progress)
    opportunities, new_opportunities, new_shifts = _create_opportunities(
        organisations, today, reference, on_progress
    )
    new_profiles, new_consents = _create_profiles(rng, today, reference, on_progress)
    awarded, made_ready = _ensure_matchable_graduates(opportunities, today, reference)
    placements = _create_placements(opportunities, today, kept_free=made_ready)
    return {
        "organisations": new_organisations,
        "opportunities": new_opportunities,
        "shifts": new_shifts,
        "profiles": new_profiles,
        "consents": new_consents,
        "badges": awarded,
        "placements": placements,
        "open_to_offers": len(_graduates_open_to_offers(today)),
    }
