"""The blocks a lesson is written with.

Every block a learner interacts with (reflection, field activity, and the H5P
activity that comes next) is identified by its StreamField block id: a UUID that
Wagtail keeps across revisions and that translations copy, so progress and xAPI
activity ids can hang on it.

Every block also says what a learner can read in it, through Wagtail's
``get_searchable_content`` (furigana readings dropped), so a lesson's search text
is its StreamField's text and no block type is left out of search.
"""

from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from courses.activity_ids import block_activity_iri
from courses.h5p.chooser import H5PPackageChooserBlock
from curriculum.ruby import has_unbalanced_ruby, ruby_html, strip_ruby

RUBY_HELP = _("Write readings as ｜漢字《かんじ》 to show furigana.")


INCOMPLETE_RUBY = _("A furigana mark is incomplete: write ｜漢字《かんじ》 with both parts.")


class RubyCharBlock(blocks.CharBlock):
    """A line of text that may carry furigana."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", RUBY_HELP)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if has_unbalanced_ruby(value):
            raise ValidationError(INCOMPLETE_RUBY)
        return value

    def get_searchable_content(self, value):
        return [strip_ruby(text) for text in super().get_searchable_content(value)]


class HeadingBlock(blocks.StructBlock):
    text = RubyCharBlock(label=_("Heading"), max_length=120)

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"


class RubyRichTextBlock(blocks.RichTextBlock):
    """Rich text in which ｜漢字《かんじ》 becomes furigana."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("features", ["h3", "bold", "italic", "ol", "ul", "link", "document-link"])
        kwargs.setdefault("help_text", RUBY_HELP)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if has_unbalanced_ruby(value.source):
            raise ValidationError(INCOMPLETE_RUBY)
        return value

    def render_basic(self, value, context=None):
        return ruby_html(super().render_basic(value, context))

    def get_searchable_content(self, value):
        # Wagtail's text for indexing (no tags, a space between paragraphs), without readings.
        return [strip_ruby(text) for text in super().get_searchable_content(value)]


class LessonImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        required=False,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = RubyCharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        _(
                            "Every image needs alternative text: describe what it shows "
                            "for people who cannot see it."
                        )
                    )
                }
            )
        return value


VIDEO_EMBED_HOSTS = {
    "www.youtube.com": "youtube",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "m.youtube.com": "youtube",
    "vimeo.com": "vimeo",
    "player.vimeo.com": "vimeo",
}


def video_embed_source(url):
    """The privacy-friendly player address for a YouTube or Vimeo link, or None."""
    parsed = urlparse(url or "")
    provider = VIDEO_EMBED_HOSTS.get(parsed.hostname or "")
    if provider == "youtube":
        if parsed.hostname == "youtu.be":
            video_id = parsed.path.strip("/")
        elif parsed.path.startswith("/embed/"):
            video_id = parsed.path.split("/")[2]
        else:
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        if video_id.replace("-", "").replace("_", "").isalnum():
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    if provider == "vimeo":
        video_id = parsed.path.rstrip("/").split("/")[-1]
        if video_id.isdigit():
            return f"https://player.vimeo.com/video/{video_id}"
    return None


class VideoBlock(blocks.StructBlock):
    """An uploaded video with its captions, or a YouTube/Vimeo link."""

    title = RubyCharBlock(label=_("Title"), max_length=120)
    video_file = DocumentChooserBlock(label=_("Video file (MP4 or WebM)"), required=False)
    captions = DocumentChooserBlock(
        label=_("Captions (WebVTT)"),
        required=False,
        help_text=_("Required for an uploaded video, so that everyone can follow it."),
    )
    embed_url = blocks.URLBlock(label=_("Or a YouTube or Vimeo address"), required=False)
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        has_file, has_url = bool(value.get("video_file")), bool(value.get("embed_url"))
        if has_file == has_url:
            errors["video_file"] = ValidationError(
                _("Choose either an uploaded video file or a YouTube/Vimeo address.")
            )
        if has_file:
            if value["video_file"].file_extension.lower() not in ("mp4", "webm"):
                errors["video_file"] = ValidationError(_("Upload the video as MP4 or WebM."))
            captions = value.get("captions")
            if not captions:
                errors["captions"] = ValidationError(
                    _("An uploaded video needs a captions file (WebVTT).")
                )
            elif captions.file_extension.lower() not in ("vtt", "webvtt"):
                errors["captions"] = ValidationError(_("Captions must be a WebVTT (.vtt) file."))
        if has_url and not video_embed_source(value["embed_url"]):
            errors["embed_url"] = ValidationError(
                _("Only YouTube and Vimeo addresses can be embedded.")
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_source"] = video_embed_source(value.get("embed_url"))
        return context


class ReflectionBlock(blocks.StructBlock):
    """A question the learner answers in their own words."""

    prompt = RubyCharBlock(label=_("Question"), max_length=300)
    guidance = blocks.TextBlock(
        label=_("Hint"), required=False, help_text=_("Optional help for answering.")
    )

    class Meta:
        icon = "help"
        label = _("Reflection prompt")
        template = "courses/blocks/reflection.html"


class FieldActivityBlock(blocks.StructBlock):
    """The city as a learning field: something to do at a real place in Komatsu.

    Learners check in by scanning the QR code of a poster staff put up at the
    place (printed from the admin); the code is never shown in the lesson.
    """

    place_name = RubyCharBlock(label=_("Place"), max_length=120)
    latitude = blocks.FloatBlock(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = blocks.FloatBlock(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    instructions = RubyRichTextBlock(
        label=_("What to do on site"), features=["bold", "ol", "ul", "link"]
    )
    safety_note = blocks.CharBlock(label=_("Safety note"), max_length=300, required=False)

    class Meta:
        icon = "site"
        label = _("Field activity")
        template = "courses/blocks/field_activity.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {
            name: ValidationError(
                _(
                    "Give the place's coordinates (latitude and longitude), so learners "
                    "can find it and staff can print its check-in poster."
                )
            )
            for name in ("latitude", "longitude")
            if value.get(name) is None
        }
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class H5PActivityBlock(blocks.StructBlock):
    """An interactive H5P activity, played with h5p-standalone from our own files.

    Its xAPI activity id is built from its block id (courses.activity_ids): unique in
    the lesson, shared by the lesson's translations (they copy block ids).
    """

    package = H5PPackageChooserBlock(label=_("H5P package"))
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"),
        default=60,
        min_value=0,
        max_value=100,
        help_text=_("The score, in percent, a learner needs to pass this activity."),
    )
    fallback_text = blocks.TextBlock(
        label=_("Text alternative"),
        required=False,
        help_text=_(
            "What the activity asks, for learners whose browser cannot run it or "
            "who use a screen reader that cannot reach it."
        ),
    )

    class Meta:
        icon = "form"
        label = _("H5P activity")
        template = "courses/blocks/h5p_activity.html"

    def get_searchable_content(self, value):
        # The chooser holds a package, not text: its title is what the lesson shows.
        package = value.get("package")
        title = [strip_ruby(package.title)] if package is not None else []
        return title + super().get_searchable_content(value)

    def get_context(self, value, parent_context=None):
        from courses.h5p.views import player_paths

        context = super().get_context(value, parent_context)
        block_id = (parent_context or {}).get("block_id")
        context["activity_id"] = block_activity_iri(block_id) if block_id else None
        context["player_paths"] = player_paths(value["package"]) if value["package"] else None
        return context


class LessonBodyBlock(blocks.StreamBlock):
    """What a lesson is made of."""

    heading = HeadingBlock()
    text = RubyRichTextBlock(label=_("Text"))
    image = LessonImageBlock()
    video = VideoBlock()
    reflection = ReflectionBlock()
    field_activity = FieldActivityBlock()
    h5p = H5PActivityBlock()

    # Block types whose instances learners interact with; their block ids are
    # the stable activity ids.
    interactive_block_types = ("reflection", "field_activity", "h5p")
