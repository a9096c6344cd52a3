from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from curriculum.models import (
    BadgeDefinition,
    CityTheme,
    Competency,
    CompetencyArea,
    FacultyMember,
    LifeStage,
    SupervisionApproval,
    SustainableDevelopmentGoal,
)
from curriculum.permissions import read_only_supervision_policy


class LifeStageViewSet(SnippetViewSet):
    model = LifeStage
    icon = "group"
    menu_label = _("Life stages")
    list_display = ["sort_order", "name_ja", "name_en", "age_range_label"]
    ordering = ["sort_order"]


class SustainableDevelopmentGoalViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "globe"
    menu_label = _("SDGs")
    list_display = ["number", "name_ja", "name_en", "colour"]
    ordering = ["number"]


class CityThemeViewSet(SnippetViewSet):
    model = CityTheme
    icon = "tag"
    menu_label = _("City themes")
    list_display = ["label", "name_ja", "name_en", "kind"]


class CompetencyAreaViewSet(SnippetViewSet):
    model = CompetencyArea
    icon = "folder-open-inverse"
    menu_label = _("Competency areas")
    list_display = ["code", "name_ja", "name_en"]


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "list-ul"
    menu_label = _("Competencies")
    list_display = ["code", "name_ja", "name_en", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name_ja", "name_en"]


class FacultyMemberViewSet(SnippetViewSet):
    model = FacultyMember
    icon = "user"
    menu_label = _("Faculty members")
    list_display = ["name_ja", "name_en", "title_ja", "department"]
    search_fields = ["name_ja", "name_en"]


class CurriculumReferenceViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Curriculum reference data")
    menu_icon = "list-ul"
    menu_order = 300
    items = (
        LifeStageViewSet,
        SustainableDevelopmentGoalViewSet,
        CityThemeViewSet,
        CompetencyAreaViewSet,
        CompetencyViewSet,
        FacultyMemberViewSet,
    )


register_snippet(CurriculumReferenceViewSetGroup)


class SupervisionApprovalViewSet(ModelViewSet):
    """Read-only record of every 大学監修 approval, newest first."""

    model = SupervisionApproval
    icon = "tasks"
    menu_label = _("Supervision record")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["page", "approver_name", "approved_at", "comment"]
    list_filter = ["approved_at"]
    search_fields = ["approver_name", "page__title"]
    inspect_view_enabled = True
    ordering = ["-approved_at"]
    # Never edited (the permission policy allows viewing only); a form is required.
    form_fields = ["comment"]


register_permission_policy(SupervisionApproval, read_only_supervision_policy)


@hooks.register("register_admin_viewset")
def register_supervision_approval_viewset():
    return SupervisionApprovalViewSet("supervision_approvals")


class BadgeDefinitionViewSet(SnippetViewSet):
    """Badges (achievements), edited by faculty authors and supervisors."""

    model = BadgeDefinition
    icon = "tag"
    menu_label = _("Badges")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name_ja", "name_en", "rule_type", "active"]
    list_filter = ["active", "life_stage"]
    search_fields = ["name_ja", "name_en", "description"]


register_snippet(BadgeDefinitionViewSet)
