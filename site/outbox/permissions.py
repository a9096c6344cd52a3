from wagtail.permission_policies import ModelPermissionPolicy

from outbox.models import OutboxMessage


class OutboxPermissionPolicy(ModelPermissionPolicy):
    """Staff may look (``outbox.view_outboxmessage``) and send undelivered mail again
    (``outbox.resend_outboxmessage``). Nobody adds, edits or deletes a row, not even a
    superuser: the outbox is the record of what the platform sent."""

    actions = {"view", "resend"}

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action in self.actions]
        if not actions:
            return self.user_model.objects.none()
        return super().users_with_any_permission(actions)


outbox_permission_policy = OutboxPermissionPolicy(OutboxMessage)
