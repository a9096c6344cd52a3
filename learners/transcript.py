"""The learner's transcript as a PDF (ReportLab), Japanese included.

Japanese text uses ReportLab's built-in Adobe-Japan1 CID font (HeiseiKakuGo-W5),
which every PDF reader provides, so no font file has to ship with the platform.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from curriculum.ruby import strip_ruby

FONT = "HeiseiKakuGo-W5"


def _styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=6),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=11, textColor=colors.grey
        ),
    }


def _escape(text):
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows, col_widths):
    table = Table(rows, colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _hours_table(heading, rows, styles):
    """A two-column table (what, approved hours) under its own header row."""
    header = [
        Paragraph(_escape(str(heading)), styles["small"]),
        Paragraph(_escape(_("Approved hours")), styles["small"]),
    ]
    body = [
        [
            Paragraph(_escape(str(row.label)), styles["body"]),
            Paragraph(row.hours_text, styles["body"]),
        ]
        for row in rows
    ]
    return _table([header, *body], [None, 32 * mm])


def _section_story(section, styles):
    """A later app's section (``learners.portfolio_sections``): its total, then its rows
    per organisation and per SDG."""
    story = [
        Paragraph(_escape(str(section.title)), styles["heading"]),
        Paragraph(
            _escape(_("Total approved hours: %(hours)s") % {"hours": section.total_hours_text}),
            styles["body"],
        ),
    ]
    if section.by_organisation:
        story += [
            Spacer(1, 2 * mm),
            _hours_table(_("Organisation"), section.by_organisation, styles),
        ]
    if section.by_sdg:
        story += [Spacer(1, 2 * mm), _hours_table(_("SDG"), section.by_sdg, styles)]
    return story


def render_transcript(*, display_name, stages, issuer_name, sections=()):
    """PDF bytes of the portfolio (``learners.selectors.learner_portfolio``) and of the
    sections later apps add (``learners.portfolio_sections``)."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Learning transcript"),
        author=issuer_name,
    )
    story = [
        Paragraph(_escape(_("Learning transcript")), styles["title"]),
        Paragraph(_escape(display_name), styles["heading"]),
        Paragraph(
            _escape(_("Issued by %(issuer)s on %(date)s."))
            % {"issuer": _escape(issuer_name), "date": timezone.localdate().isoformat()},
            styles["small"],
        ),
        Spacer(1, 6 * mm),
    ]
    if not stages:
        story.append(Paragraph(_escape(_("No completed courses or badges yet.")), styles["body"]))
    for group in stages:
        heading = group.stage.name if group.stage else _("Life stage not known")
        story.append(Paragraph(_escape(str(heading)), styles["heading"]))
        rows = [
            [Paragraph(_escape(_(label)), styles["small"]) for label in ("Date", "Kind", "Title")]
        ]
        for entry in group.entries:
            if entry.kind == "badge":
                title = str(entry.award.badge)
                kind = _("Badge")
                if entry.award.revoked:
                    title += " — " + _("revoked")
            elif entry.kind == "service":
                title = _("%(title)s (%(organisation)s), approved hours: %(hours)s") % {
                    "title": entry.service.title,
                    "organisation": entry.service.organisation,
                    "hours": entry.service.hours_text,
                }
                kind = _("Volunteer service")
            else:
                title = (
                    strip_ruby(entry.course.title)
                    if entry.course
                    else _("(course no longer published)")
                )
                kind = _("Course completed")
            rows.append(
                [
                    Paragraph(entry.local_date.isoformat(), styles["body"]),
                    Paragraph(_escape(kind), styles["body"]),
                    Paragraph(_escape(title), styles["body"]),
                ]
            )
        story.append(_table(rows, [28 * mm, 36 * mm, None]))
    for section in sections:
        story += _section_story(section, styles)
    document.build(story)
    return buffer.getvalue()
