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


def render_transcript(*, display_name, stages, issuer_name):
    """PDF bytes of the portfolio (``learners.selectors.learner_portfolio``)."""
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
        table = Table(rows, colWidths=[28 * mm, 36 * mm, None], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    document.build(story)
    return buffer.getvalue()
