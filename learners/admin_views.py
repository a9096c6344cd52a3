"""Admin views of learners/: the course report and its CSV export.

Holders of ``learners.view_course_report`` see reports and of
``learners.export_course_report`` export them (faculty authors, curriculum supervisors,
coordinators, city staff and superusers); anyone else with admin access gets a 403 page,
and people without admin access are sent to the login page by Wagtail. Every export is
recorded in the audit log.
"""

import csv

from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage
from curriculum.ruby import strip_ruby
from learners import audit
from learners.models import CourseCompletion, Enrolment
from learners.permissions import EXPORT_COURSE_REPORT, VIEW_COURSE_REPORT, permission_required
from learners.reports import (
    SCORE_BINS,
    course_report,
    course_structure,
    enrolled_count,
    learner_rows,
)

DENIED = gettext_lazy(
    "Only faculty authors, curriculum supervisors, coordinators and city staff may see "
    "course reports."
)


def _denied(request):
    """403 with an explanation, for admin users who may not see (or export) reports."""
    return TemplateResponse(
        request,
        "learners/admin/course_report.html",
        {"mode": "denied", "denied_reason": DENIED},
        status=403,
    )


reports_only = permission_required(VIEW_COURSE_REPORT, _denied)
exports_only = permission_required(EXPORT_COURSE_REPORT, _denied)


def percent_text(value):
    """``68.3%`` in the admin's number format, or an en dash when there is nothing to show."""
    if value is None:
        return "–"
    return f"{formats.number_format(round(value, 1), 1)}%"


def band_label(band):
    low = band * 100 // SCORE_BINS
    high = 100 if band == SCORE_BINS - 1 else low + 100 // SCORE_BINS - 1
    return f"{low}–{high}%"


# The score histogram, drawn on the server as inline SVG (no script, no CDN).
CHART_WIDTH, CHART_HEIGHT = 480, 236
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 16, 16, 40, 48


def _n(number):
    """An SVG coordinate: always a dot as decimal separator, whatever the language."""
    return f"{number:.1f}"


def score_chart(figures):
    """Geometry and labels of one activity's histogram of best scores."""
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    slot = plot_width / SCORE_BINS
    bar_width = slot * 0.72
    tallest = max(figures.bins) or 1
    baseline = PLOT_TOP + plot_height
    bars = []
    for band, count in enumerate(figures.bins):
        height = plot_height * count / tallest
        x = PLOT_LEFT + band * slot + (slot - bar_width) / 2
        bars.append(
            {
                "label": band_label(band),
                "count": count,
                "x": _n(x),
                "y": _n(baseline - height),
                "width": _n(bar_width),
                "height": _n(height),
                "text_x": _n(x + bar_width / 2),
                "text_y": _n(baseline - height - 5),
            }
        )
    ticks = [
        {"x": _n(PLOT_LEFT + band * slot), "label": str(band * 100 // SCORE_BINS)}
        for band in range(SCORE_BINS + 1)
    ]
    pass_x = PLOT_LEFT + plot_width * min(figures.activity.pass_mark, 100) / 100
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "plot_left": _n(PLOT_LEFT),
        "plot_right": _n(PLOT_LEFT + plot_width),
        "plot_top": _n(PLOT_TOP),
        "baseline": _n(baseline),
        "tick_label_y": _n(baseline + 16),
        "axis_title_x": _n(PLOT_LEFT + plot_width / 2),
        "axis_title_y": _n(baseline + 38),
        "pass_x": _n(pass_x),
        "pass_label_y": _n(PLOT_TOP - 32),
        "pass_label_anchor": "end" if figures.activity.pass_mark > 50 else "start",
    }


def _course(page_id):
    return get_object_or_404(CoursePage.objects.select_related("locale"), pk=page_id)


@reports_only
def course_report_view(request, page_id):
    course = _course(page_id)
    report = course_report(course.translation_key)
    lessons = [
        {
            "figures": figures,
            "share": percent_text(
                100 * figures.completed / report.enrolled if report.enrolled else None
            ),
        }
        for figures in report.lessons
    ]
    activities = [
        {
            "figures": figures,
            "average": percent_text(figures.average_percent),
            "pass_rate": percent_text(figures.pass_rate),
            "chart": score_chart(figures),
            "bands": [(band_label(band), count) for band, count in enumerate(figures.bins)],
        }
        for figures in report.activities
    ]
    return TemplateResponse(
        request,
        "learners/admin/course_report.html",
        {
            "mode": "report",
            "course": course,
            "course_title": strip_ruby(course.title),
            "report": report,
            "completion_rate": percent_text(report.completion_rate),
            "lessons": lessons,
            "activities": activities,
        },
    )


def _csv_cell(value):
    """Text that spreadsheets will not run as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_time(moment, zone=None):
    return "" if moment is None else timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")


def _csv_score(scaled):
    return "" if scaled is None else f"{100 * scaled:.1f}"


class _Line:
    """A file-like object whose ``write`` hands back what the csv writer gives it."""

    def write(self, text):
        return text


CSV_LINES_PER_CHUNK = 500  # rows sent together: one write to the socket, not one a row


def _csv_lines(header, rows, zone):
    """The export's text in pieces of a few hundred lines: a BOM and the header first,
    then each learner's row."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(header)
    lines = []
    for row in rows:
        lines.append(
            writer.writerow(
                [
                    _csv_cell(row.username),
                    _csv_cell(row.display_name),
                    _csv_time(row.enrolled_at, zone),
                    row.lessons_completed,
                    _csv_time(row.completed_at, zone),
                    *(_csv_score(score) for score in row.best_scores),
                ]
            )
        )
        if len(lines) == CSV_LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


@exports_only
def course_report_csv(request, page_id):
    """One row per enrolled learner, UTF-8 with a BOM so that Excel reads Japanese.

    Streamed: learners are read in chunks as the body is sent, so that memory stays flat
    and the first bytes leave at once however many learners a course has. The header and
    time zone are fixed here, in the request's language and zone. The export (who, which
    course, how many learners) goes into the audit log before the body is sent."""
    course = _course(page_id)
    structure = course_structure(course.translation_key)
    audit.record(
        course,
        audit.EXPORT_COURSE_REPORT,
        acting_user=request.user,
        title=strip_ruby(course.title),
        data={
            "learners": enrolled_count(course.translation_key),
            "course_key": str(course.translation_key),
        },
    )
    header = [
        _("Username"),
        _("Display name"),
        _("Enrolled at"),
        _("Lessons completed"),
        _("Course completed at"),
        *(
            _csv_cell(
                _("%(number)d. %(lesson)s / %(activity)s: best score (%%)")
                % {
                    "number": activity.lesson.number,
                    "lesson": activity.lesson.title,
                    "activity": activity.title,
                }
            )
            for activity in structure.activities
        ),
    ]
    response = StreamingHttpResponse(
        _csv_lines(header, learner_rows(structure), timezone.get_current_timezone()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"course-report-{course.slug}-{timezone.localdate():%Y%m%d}.csv"
    )
    return response


@reports_only
def course_report_index(request):
    """Every course once (in the admin's language where translated) with its report link:
    the way in for coordinators and city staff, who do not edit pages."""
    active = translation.get_language()
    courses = {}
    for pk, title, key, language, live in CoursePage.objects.order_by("path").values_list(
        "pk", "title", "translation_key", "locale__language_code", "live"
    ):
        current = courses.get(key)
        if current is None or (language == active and current["language"] != active):
            courses[key] = {
                "pk": pk,
                "title": strip_ruby(title),
                "language": language,
                "live": live,
            }
    enrolled = _counts_by_course(Enrolment, courses)
    completed = _counts_by_course(CourseCompletion, courses)
    rows = sorted(
        (
            {**course, "enrolled": enrolled.get(key, 0), "completed": completed.get(key, 0)}
            for key, course in courses.items()
        ),
        key=lambda course: course["title"],
    )
    return TemplateResponse(
        request, "learners/admin/course_report.html", {"mode": "index", "course_index": rows}
    )


def _counts_by_course(model, course_keys):
    if not course_keys:
        return {}
    return dict(
        model.objects.filter(course_key__in=list(course_keys))
        .values("course_key")
        .annotate(count=Count("pk"))
        .values_list("course_key", "count")
    )
