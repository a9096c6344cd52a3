from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    """The path from learning into local action.

    opportunities owns organisations (町内会, 公民館, NPOs, schools), the
    volunteer and activity roles they offer with their shifts, each graduate's
    matching profile and consent, the matching engine, proposals, offers,
    placements and the hours served. It reads badges and progress from learners
    and curriculum but never writes them.
    """

    name = "opportunities"
    verbose_name = _("Opportunities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from learners import dashboard_links, portfolio_sections
        from opportunities.calendar_views import calendar_dashboard_link
        from opportunities.offer_views import offers_dashboard_link
        from opportunities.portfolio import volunteer_service_section
        from opportunities.profile_views import matching_profile_dashboard_link

        dashboard_links.register(offers_dashboard_link)
        dashboard_links.register(matching_profile_dashboard_link)
        dashboard_links.register(calendar_dashboard_link)
        portfolio_sections.register(volunteer_service_section)
