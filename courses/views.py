"""Public views of courses/ that are not Wagtail pages."""

from django.template.response import TemplateResponse

from courses.field_activities import CheckInRefused, verify_check_in

REFUSAL_STATUS = {"forged": 400, "expired": 410, "gone": 410}


def check_in(request, token):
    """Where a field activity poster's QR code leads."""
    try:
        check_in = verify_check_in(token)
    except CheckInRefused as refusal:
        return TemplateResponse(
            request,
            "courses/check_in_refused.html",
            {"message": refusal.message, "reason": refusal.reason},
            status=REFUSAL_STATUS[refusal.reason],
        )
    return TemplateResponse(
        request,
        "courses/check_in.html",
        {"check_in": check_in, "lesson": check_in.lesson, "activity": check_in.activity},
    )
