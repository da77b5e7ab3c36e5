"""Every municipality that existed before the catalogue gets seed 002's common interventions
(a municipality created later gets them from ``catalogue.seed_new_municipality``)."""

from django.db import migrations

# A copy, as it stood when this migration was written: a migration must not change meaning
# when the model's defaults change later.
DEFAULTS = [
    ("RePulse", "socialtjanst"),
    ("MiniMaria", "socialtjanst"),
    ("FFT (funktionell familjeterapi)", "socialtjanst"),
    ("Kvalificerad kontaktperson", "socialtjanst"),
    ("Familje- eller ungdomsbehandlare", "socialtjanst"),
    ("Anpassat schema", "skola"),
    ("Nätverksmöte med föräldrarna", ""),
    ("Inslussad på fritidsgården", "fritid"),
    ("Orosanmälan", ""),
    ("Samtal med polis", "polis"),
]


def seed(apps, schema_editor):
    Municipality = apps.get_model("sspf_flow", "Municipality")
    Intervention = apps.get_model("sspf_flow", "Intervention")
    for municipality in Municipality.objects.all():
        have = set(
            Intervention.objects.filter(municipality=municipality).values_list("name", flat=True)
        )
        Intervention.objects.bulk_create(
            Intervention(municipality=municipality, name=name, agency_kind=kind, position=n)
            for n, (name, kind) in enumerate(DEFAULTS, start=1)
            if name not in have
        )


class Migration(migrations.Migration):
    dependencies = [("sspf_flow", "0025_outcomes_and_interventions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
