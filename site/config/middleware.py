from csp.middleware import CSPMiddleware

WAGTAIL_ADMIN_PREFIX = "/cms/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of settings.CONTENT_SECURITY_POLICY for every page, except
    that Wagtail's admin, which runs inline scripts, may run them."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(WAGTAIL_ADMIN_PREFIX):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), "'unsafe-inline'"]
            parts.update = update
        return parts
