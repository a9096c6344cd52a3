"""The outbox in the Wagtail admin: read-only, with "send again" for undelivered mail."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from outbox.models import OutboxMessage
from outbox.services import NotResendable, send_message_again


class SendAgainButtonMixin:
    def send_again_button(self, instance):
        if instance.can_be_sent_again and self.user_has_permission("resend"):
            return Button(
                _("Send again"),
                url=reverse("outbox:send_again", args=(instance.pk,)),
                icon_name="mail",
                priority=5,
            )
        return None


class OutboxIndexView(SendAgainButtonMixin, IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if button := self.send_again_button(instance):
            buttons.append(button)
        return buttons


class OutboxInspectView(SendAgainButtonMixin, InspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if button := self.send_again_button(self.object):
            buttons.append(button)
        return buttons

    # Mail bodies keep their line breaks; HTML is shown as its source, never rendered.
    def get_body_display_value(self):
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', self.object.body)

    def get_html_alternative_display_value(self):
        html = self.object.html_alternative
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', html) if html else "-"

    def get_last_error_display_value(self):
        return self.object.last_error or "-"

    def get_reply_to_display_value(self):
        return ", ".join(self.object.reply_to) or "-"

    def get_next_attempt_at_display_value(self):
        return self.object.next_attempt_at or "-"

    def get_sent_at_display_value(self):
        return self.object.sent_at or "-"


class SendAgainView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET), then queue the message again with a fresh set of retries (POST)."""

    model = OutboxMessage
    permission_required = "resend"
    template_name = "outbox/send_again.html"
    page_title = _("Send again")
    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(OutboxMessage, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["inspect_url"] = reverse("outbox:inspect", args=(self.object.pk,))
        return context

    def post(self, request, *args, **kwargs):
        try:
            send_message_again(self.object)
        except NotResendable as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(subject)s” is queued to be sent again.") % {"subject": self.object},
            )
        return redirect("outbox:inspect", self.object.pk)


class OutboxMessageViewSet(ModelViewSet):
    """Every email the platform sent or tried to send, newest first."""

    model = OutboxMessage
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    icon = "mail"
    menu_label = _("Outbox")
    menu_order = 900
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "subject",
        "recipients_display",
        "status",
        "attempts",
        DateColumn("created_at", label=_("Queued at")),
        DateColumn("sent_at", label=_("Sent at")),
    ]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
        "from_email",
        "recipients_display",
        "reply_to",
        "subject",
        "body",
        "html_alternative",
    ]
    # Never edited (the permission policy allows viewing only); a form is required.
    form_fields = ["subject"]

    @property
    def send_again_view(self):
        return self.construct_view(SendAgainView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send-again/<int:pk>/", self.send_again_view, name="send_again"),
        ]
