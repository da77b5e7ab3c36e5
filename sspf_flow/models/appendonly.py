from contextlib import contextmanager

from django.db import connections, models, router, transaction

# PostgreSQL refuses UPDATE and DELETE on the append-only tables (migration 0029) unless this
# transaction-local setting is on: gallring's door (``gallring_door``), and nothing else's.
GALLRING_SETTING = "sspf.gallring"


def _set_gallring(connection, value):
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) has the Python guard below only
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [GALLRING_SETTING, value])


@contextmanager
def gallring_door(using="default"):
    """Open the database's protection of the append-only tables for the statements inside, in
    one transaction (a savepoint within an outer one); closed again as it ends, and with a
    rollback. Only gallring (``AppendOnlyQuerySet.gallra``) goes through it, and tests that
    set up old rows."""
    connection = connections[using]
    with transaction.atomic(using=using):
        _set_gallring(connection, "on")
        yield
        _set_gallring(connection, "off")


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
        with gallring_door(self._db or router.db_for_write(self.model)):
            self._before_gallring(blanked)
            if blanked:
                return super().update(**blanked)
            deleted, _per_model = super().delete()
            return deleted

    def _before_gallring(self, blanked):
        """A hook for a model whose rows say more than themselves (the access log's chain)."""


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
