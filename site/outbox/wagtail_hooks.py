from wagtail import hooks
from wagtail.permissions import register_permission_policy

from outbox.models import OutboxMessage
from outbox.permissions import outbox_permission_policy
from outbox.viewsets import OutboxMessageViewSet

register_permission_policy(OutboxMessage, outbox_permission_policy)


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxMessageViewSet("outbox")
