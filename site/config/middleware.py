from csp.middleware import CSPMiddleware

WAGTAIL_ADMIN_PREFIX = "/cms/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of settings.CONTENT_SECURITY_POLICY for every page, except
    that Wagtail's admin, which runs inline scripts, may run them.

    The admin's script-src is replaced, not extended: browsers ignore
    'unsafe-inline' when a hash (the H5P player's) is in the same list.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(WAGTAIL_ADMIN_PREFIX):
            parts.replace = {**(parts.replace or {}), "script-src": ["'self'", "'unsafe-inline'"]}
        return parts
