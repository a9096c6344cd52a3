"""Awards are dated to the whole second from now on (``now_to_the_second``), and the
existing ones lose their fraction of a second.

Django's JSON serialiser keeps milliseconds only, so an award dated to the microsecond
changed on every dumpdata/loaddata restore and its baked PNGs were reported as changed.
Badges baked before this migration still verify: issuedOn is compared to the second.
"""

from django.db import migrations, models

import learners.models.badges

BATCH = 500


def truncate_issued_on_to_the_second(apps, schema_editor):
    BadgeAward = apps.get_model("learners", "BadgeAward")
    awards = BadgeAward.objects.using(schema_editor.connection.alias).only("pk", "issued_on")
    changed = []
    for award in awards.order_by("pk").iterator(chunk_size=BATCH):
        if award.issued_on.microsecond:
            award.issued_on = award.issued_on.replace(microsecond=0)
            changed.append(award)
        if len(changed) >= BATCH:
            awards.bulk_update(changed, ["issued_on"])
            changed = []
    if changed:
        awards.bulk_update(changed, ["issued_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0005_course_report_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="badgeaward",
            name="issued_on",
            field=models.DateTimeField(
                default=learners.models.badges.now_to_the_second, verbose_name="issued on"
            ),
        ),
        # The fraction is gone for good: undoing the migration leaves the dates as they are.
        migrations.RunPython(truncate_issued_on_to_the_second, migrations.RunPython.noop),
    ]
