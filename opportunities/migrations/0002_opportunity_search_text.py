"""Opportunity.search_text: the normalised titles and descriptions that the public
list's keyword filter reads; filled here for the rows that already exist."""

from django.db import migrations, models

from search.tokens import normalize_text

TEXT_FIELDS = ("title_ja", "title_en", "description_ja", "description_en")


def fill_search_text(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    opportunities = list(Opportunity.objects.only("pk", *TEXT_FIELDS))
    for opportunity in opportunities:
        parts = (getattr(opportunity, field) for field in TEXT_FIELDS)
        opportunity.search_text = normalize_text(" ".join(part for part in parts if part))
    Opportunity.objects.bulk_update(opportunities, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0001_organisations_opportunities_matching"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
