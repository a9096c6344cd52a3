from wagtail.permission_policies import ModelPermissionPolicy

from curriculum.models import SupervisionApproval


class ReadOnlyModelPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows the model's view permission; nobody adds, edits or deletes.

    For records written by the system (the supervision record comes from the
    workflow), so that not even a superuser can type one in.
    """

    read_only_actions = {"view"}

    def user_has_permission(self, user, action):
        if action not in self.read_only_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action in self.read_only_actions]
        return (
            super().users_with_any_permission(actions)
            if actions
            else self.user_model.objects.none()
        )


read_only_supervision_policy = ReadOnlyModelPermissionPolicy(SupervisionApproval)
