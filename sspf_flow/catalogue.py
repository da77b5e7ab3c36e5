"""The municipality's catalogue of interventions (``Intervention``): a new municipality starts
with seed 002's common interventions (``DEFAULT_INTERVENTIONS``), which its administrator then
renames, reorders, adds to or marks as no longer in use in the admin. Migration 0026 gave every
municipality that existed before the catalogue the same start."""

from .models.outcome import DEFAULT_INTERVENTIONS, Intervention


def default_rows(municipality_id):
    """The default catalogue's rows for one municipality, in seed 002's order (unsaved)."""
    return [
        {"municipality_id": municipality_id, "name": name, "agency_kind": kind, "position": n}
        for n, (name, kind) in enumerate(DEFAULT_INTERVENTIONS, start=1)
    ]


def install_defaults(municipality):
    """Give ``municipality`` each default intervention it does not have by that name yet, so
    that running it twice adds nothing."""
    have = set(municipality.interventions.values_list("name", flat=True))
    Intervention.objects.bulk_create(
        Intervention(**row) for row in default_rows(municipality.pk) if row["name"] not in have
    )


def seed_new_municipality(sender, instance, created, raw=False, **kwargs):
    """``post_save`` of a Municipality (connected in ``apps.py``): a new one gets the default
    catalogue, wherever it is created (the admin, the shell, the demo loader, a test)."""
    if created and not raw:
        install_defaults(instance)
