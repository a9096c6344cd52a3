from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from curriculum.models import LifeStage, SustainableDevelopmentGoal


class LifeStageViewSet(SnippetViewSet):
    model = LifeStage
    icon = "group"
    menu_label = LifeStage._meta.verbose_name_plural
    list_display = ["sort_order", "name_ja", "name_en", "age_range_label"]
    ordering = ["sort_order"]


class SustainableDevelopmentGoalViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "globe"
    menu_label = SustainableDevelopmentGoal._meta.verbose_name_plural
    list_display = ["number", "name_ja", "name_en", "colour"]
    ordering = ["number"]


class CurriculumReferenceViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Curriculum reference data")
    menu_icon = "list-ul"
    menu_order = 300
    items = (LifeStageViewSet, SustainableDevelopmentGoalViewSet)


register_snippet(CurriculumReferenceViewSetGroup)
