from django.forms.renderers import TemplatesSetting


class ManabiFormRenderer(TemplatesSetting):
    """Django's renderer with the site's own form and field templates."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
