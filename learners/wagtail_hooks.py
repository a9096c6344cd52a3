"""Admin hooks of learners/: they only register what ``learners.viewsets`` and
``learners.audit`` define."""

from wagtail import hooks

from learners import audit, permissions, viewsets

hooks.register("register_admin_urls", viewsets.course_report_urls)
hooks.register("register_page_header_buttons", viewsets.course_report_header_buttons)
hooks.register("register_page_listing_more_buttons", viewsets.course_report_listing_buttons)
hooks.register("register_reports_menu_item", viewsets.course_reports_menu_item)
hooks.register("construct_reports_menu", viewsets.offer_site_history_to_audit_readers)
hooks.register("register_log_actions", audit.register_audit_log_actions)
hooks.register("register_permissions", permissions.admin_permissions)


@hooks.register("register_admin_viewset")
def register_badge_award_viewset():
    return viewsets.BadgeAwardViewSet("badge_awards")
