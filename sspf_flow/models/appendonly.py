from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an append-only model are not changed or deleted in bulk either. The one lawful
    exception is gallring: ``gallra`` is its named path, and only ``sspf_flow.retention`` (and
    the receivers it signals in the apps above) calls it."""

    def update(self, **kwargs):
        raise ValueError(self.model.append_only_reason)

    def delete(self):
        raise ValueError(self.model.append_only_reason)

    delete.queryset_only = True

    def gallra(self, **blanked):
        """Gallring by the municipality's rules. Without arguments the rows are deleted through
        Django's collector, so every ``on_delete`` that points at them applies; with
        ``field=value`` pairs those fields are overwritten instead (de-identification).
        Returns the number of rows."""
        if blanked:
            return super().update(**blanked)
        deleted, _per_model = super().delete()
        return deleted


class AppendOnly(models.Model):
    """A record written once and never changed or deleted by the application (history, the
    access log, journal notes). ``append_only_reason`` says what to do instead."""

    append_only_reason = "This record is append-only"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(self.append_only_reason)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(self.append_only_reason)
