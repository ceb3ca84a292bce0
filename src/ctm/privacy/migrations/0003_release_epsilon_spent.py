"""Each release records the epsilon it spent (`Release.epsilon_spent`), settled once when a run fails.

Until now a failed run gave all of its epsilon back. The rows already there are settled by the rule the
code now applies (ctm.privacy.domain.spending), as far as a stored row tells: a synthetic release that
did not fail spent all of its epsilon; pac-synth's refusal (error code "pacsynth") keeps the share of its
noisy count of records (0.05 when these releases ran); a run interrupted, out of memory or stopped by an
unexpected error after the mechanism started (stage past "reading") keeps all of it; any other failure
(the engine refused the parameters or the source) spent nothing. A k-anonymous release spends nothing.
"""

import json

from django.db import migrations, models

PACSYNTH_COUNT_SHARE = 0.05  # ctm.privacy.engine.synth.PACSYNTH_COUNT_SHARE when these releases ran
UNKNOWN_POINT = {"memory", "unexpected", "interrupted", "stale"}


def settled(release) -> float:
    if release.status != "failed":
        return release.epsilon
    try:
        code = json.loads(release.error).get("code")
    except (ValueError, AttributeError, TypeError):
        code = None
    if code == "pacsynth":
        return PACSYNTH_COUNT_SHARE * release.epsilon
    if code in UNKNOWN_POINT and release.stage not in ("queued", "reading"):
        return release.epsilon
    return 0.0


def forwards(apps, schema_editor):
    Release = apps.get_model("privacy", "Release")
    for release in Release.objects.filter(method="synthetic", epsilon__isnull=False).iterator():
        Release.objects.filter(pk=release.pk).update(epsilon_spent=settled(release))


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_tenant_scoped_managers"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="epsilon_spent",
            field=models.FloatField(blank=True, null=True, verbose_name="epsilon spent"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
