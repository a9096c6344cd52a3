"""The admin of opportunities/: organisations and opportunities as Wagtail model
viewsets, each narrowed to the records of the organisations the user acts for
(``opportunities.permissions``), in listings and on direct URLs alike."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from opportunities.admin_views import MatchingRunViewSet
from opportunities.models import Opportunity, Organisation
from opportunities.permissions import acts_for_all, organisations_of
from opportunities.shift_admin_views import ShiftViewSet

# Which permission each kind of view asks of the object it shows.
OBJECT_ACTIONS = {
    "edit": ["change"],
    "delete": ["delete"],
    "inspect": ["view", "change"],
    "history": ["view", "change"],
    "usage": ["view", "change"],
}


class OwnRecordsOnly:
    """Listings show only the user's organisations' rows; any view of one row refuses a
    row of another organisation with 403, whatever its URL."""

    object_kind = "inspect"

    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )
        return super().get_base_queryset().filter(pk__in=allowed.values("pk"))

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        actions = OBJECT_ACTIONS[self.object_kind]
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, actions, instance
        ):
            raise PermissionDenied
        return instance


class OwnIndexView(OwnRecordsOnly, generic.IndexView):
    pass


class OwnEditView(OwnRecordsOnly, generic.EditView):
    object_kind = "edit"


class OwnDeleteView(OwnRecordsOnly, generic.DeleteView):
    object_kind = "delete"


class OwnInspectView(OwnRecordsOnly, generic.InspectView):
    pass


class OwnHistoryView(OwnRecordsOnly, generic.HistoryView):
    object_kind = "history"


class OwnUsageView(OwnRecordsOnly, generic.UsageView):
    object_kind = "usage"


class ScopedViewSet(ModelViewSet):
    index_view_class = OwnIndexView
    edit_view_class = OwnEditView
    delete_view_class = OwnDeleteView
    inspect_view_class = OwnInspectView
    history_view_class = OwnHistoryView
    usage_view_class = OwnUsageView
    inspect_view_enabled = True
    add_to_admin_menu = False


class OrganisationForm(WagtailAdminModelForm):
    """Only people who act for every organisation (City staff) choose its coordinators."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "coordinators" in self.fields:
            if not acts_for_all(for_user):
                self.fields["coordinators"].disabled = True
            self.fields["coordinators"].queryset = (
                self.fields["coordinators"]
                .queryset.filter(groups__name="Coordinator")
                .order_by("username")
            )


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 100
    list_display = ["name_ja", "name_en", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name_ja", "name_en"]
    edit_handler = ObjectList(
        [
            FieldPanel("name_ja"),
            FieldPanel("name_en"),
            FieldPanel("kind"),
            FieldPanel("district"),
            MultiFieldPanel(
                [
                    FieldPanel("contact_name"),
                    FieldPanel("contact_email"),
                    FieldPanel("contact_phone"),
                    FieldPanel("website"),
                ],
                heading=_("Contact"),
            ),
            FieldPanel("coordinators", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=OrganisationForm,
    )


class OpportunityForm(WagtailAdminModelForm):
    """A coordinator chooses among their own organisations only."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if "organisation" in self.fields and for_user is not None:
            self.fields["organisation"].queryset = organisations_of(for_user)


class OpportunityViewSet(ScopedViewSet):
    model = Opportunity
    icon = "date"
    menu_label = _("Opportunities")
    menu_order = 200
    list_display = ["title_ja", "organisation", "district", "status"]
    list_filter = ["status", "organisation", "district"]
    search_fields = ["title_ja", "title_en", "description_ja"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("organisation"),
                    FieldPanel("title_ja"),
                    FieldPanel("title_en"),
                    FieldPanel("description_ja"),
                    FieldPanel("description_en"),
                    FieldPanel("status"),
                ],
                heading=_("The role"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("district"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                ],
                heading=_("Where"),
            ),
            InlinePanel("shifts", heading=_("Shifts"), label=_("Shift"), min_num=1),
            MultiFieldPanel(
                [
                    FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("required_badges"),
                    FieldPanel("preferred_badges"),
                ],
                heading=_("SDGs and badges"),
            ),
            InlinePanel(
                "competency_requirements",
                heading=_("Competencies"),
                label=_("Competency"),
            ),
            InlinePanel("language_requirements", heading=_("Languages"), label=_("Language")),
            MultiFieldPanel(
                [
                    FieldPanel("life_stages", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("min_age"),
                    FieldPanel("minors_need_guardian_consent"),
                    FieldPanel("physical_intensity"),
                    FieldPanel("accessibility_notes"),
                ],
                heading=_("Who can take part"),
            ),
        ],
        base_form_class=OpportunityForm,
    )


class LocalActivitiesGroup(ModelViewSetGroup):
    menu_label = _("Local activities")
    menu_icon = "site"
    menu_order = 660
    items = (
        OrganisationViewSet("organisations"),
        OpportunityViewSet("opportunities", url_namespace="opportunities_admin"),
        ShiftViewSet("shifts"),
        MatchingRunViewSet("matching-runs"),
    )
