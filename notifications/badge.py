"""The menu badge's count, kept by the events that change it: a coordinator's overdue
follow-ups and actions are counted once and read back from ``OverdueCount`` until one of them
changes or the day turns, so that a page does not count them anew (at 1 787 open cases the
count took 8.6 ms of every page of hers, issue 11).

``changed`` is called by ``deadlines.sync`` inside the transaction that writes the deadlines:
it raises the coordinator's version. ``count`` reads the version before it counts and stores the
count only if the version is still the one it read (one conditional UPDATE), so a count made
while a change was being committed is never kept as current. What is counted, and for whom, is
the caller's (``casework.pages.overview.overdue_count`` asks it through ``sspf_flow.access``)."""

from django.db.models import F

from .models import DeadlineKind, OverdueCount

COUNTED = (DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION)  # the kinds the badge counts


def changed(user_id):
    """One of the coordinator's counted deadlines was written, moved or removed: her stored
    count no longer holds (two statements: the row if she has none, then the version)."""
    if user_id is None:
        return
    OverdueCount.objects.bulk_create([OverdueCount(user_id=user_id)], ignore_conflicts=True)
    OverdueCount.objects.filter(user_id=user_id).update(version=F("version") + 1)


def count(user_id, municipality_id, day, counter):
    """The coordinator's count for ``day``: the stored one while it holds, else ``counter()``,
    stored unless a change came in meanwhile."""
    stored = (
        OverdueCount.objects.filter(user_id=user_id)
        .values_list("version", "counted_version", "day", "municipality_id", "count")
        .first()
    )
    if stored is not None:
        version, counted_version, counted_on, counted_for, value = stored
        if (counted_version, counted_on, counted_for) == (version, day, municipality_id):
            return value
    value = counter()
    kept = {"counted_version": 0, "day": day, "municipality_id": municipality_id, "count": value}
    if stored is None:
        OverdueCount.objects.bulk_create(
            [OverdueCount(user_id=user_id, version=0, **kept)], ignore_conflicts=True
        )
    else:
        kept["counted_version"] = stored[0]
        OverdueCount.objects.filter(user_id=user_id, version=stored[0]).update(**kept)
    return value
