"""Who looked at or changed which case, and whether they had a lawful basis at that moment."""

from django.conf import settings
from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly, AppendOnlyQuerySet
from .case import Case
from .org import Agency
from .youth import Youth


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CHANGE = "change", _("Changed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    REFUSED = "refused", _("Refused")  # asked for a case the rules did not let them see


class AccessLogQuerySet(AppendOnlyQuerySet):
    def _before_gallring(self, blanked):
        """Gallring deletes whole rows only (a changed row would break its hash), and first
        records the links of the chain it cuts (``sspf_flow.logchain``)."""
        if blanked:
            raise ValueError("The access log is not de-identified, its rows are deleted")
        record_cuts(self)


class AccessLog(AppendOnly):
    """Append-only: a row is written once and never changed or deleted by the application.
    On PostgreSQL each row is chained to the one before by a hash that a trigger computes as
    the row is written (``position``, ``prev_hash``, ``hash``; ``sspf_flow.logchain``)."""

    append_only_reason = "The access log is append-only"

    objects = AccessLogQuerySet.as_manager()

    at = models.DateTimeField(_("time"), db_index=True)
    # user, case and young person: no index of their own; the (…, at) indexes below serve
    # every lookup by them, and each index more is written with every row (issue 11: a page's
    # log insert wrote ten index entries a row)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,
    )
    agency = models.ForeignKey(
        Agency, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    roles = models.CharField(_("role"), max_length=100)
    case = models.ForeignKey(
        Case,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
        db_index=False,
    )
    youth = models.ForeignKey(
        Youth,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("young person"),
        db_index=False,
    )
    what = models.CharField(_("what"), max_length=100)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    had_basis = models.BooleanField(
        _("lawful basis"),
        help_text=_("The user's role or an active consent covering their agency allowed it."),
    )
    # set by the database as the row is written, whatever the INSERT says (PostgreSQL only)
    position = models.BigIntegerField(_("position in the chain"), null=True, unique=True)
    prev_hash = models.CharField(_("hash of the row before"), max_length=64, null=True)
    hash = models.CharField(_("hash"), max_length=64, null=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["youth", "at"]),
            # the review's flag: the few rows without a lawful basis, counted on every view
            models.Index(
                fields=["case"], condition=models.Q(had_basis=False), name="accesslog_no_basis"
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.case}"


class AccessLogChainHead(models.Model):
    """The end of the access log's hash chain: one row, moved by the database after each
    statement that writes log rows; it keeps the chain's end when gallring deletes the newest
    rows, and shows when anything else did."""

    position = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True, default="")

    def __str__(self):
        return f"{self.position} {self.hash}"


class AccessLogCut(AppendOnly):
    """A link of the chain that gallring cut: the rows between ``before_position`` and
    ``next_position`` were deleted by gallring, so the row at ``next_position`` (or the next
    one written) follows the row at ``before_position`` (0 and "": none) and names a removed
    row's hash (``removed_hash``) as its predecessor. The verification accepts exactly these
    gaps; any other is a row removed outside gallring."""

    append_only_reason = "The access log's record of gallring is append-only"

    at = models.DateTimeField(_("time"))
    next_position = models.BigIntegerField(db_index=True)
    before_position = models.BigIntegerField()
    before_hash = models.CharField(max_length=64, blank=True)
    removed_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("gallring of the access log")
        verbose_name_plural = _("gallring of the access log")

    def __str__(self):
        return f"{self.before_position} → {self.next_position}"


CUT_SQL = """
WITH doomed AS MATERIALIZED (
    SELECT position FROM {log} WHERE id IN ({doomed}) AND position IS NOT NULL
), ends AS (
    SELECT d.position, (SELECT min(l.position) FROM {log} l WHERE l.position > d.position) AS next
    FROM doomed d
)
INSERT INTO {cut} (at, next_position, before_position, before_hash, removed_hash)
SELECT now(), coalesce(n.position, h.position + 1), coalesce(b.position, 0), coalesce(b.hash, ''),
    coalesce(n.prev_hash, h.hash)
FROM ends e
CROSS JOIN {head} h
LEFT JOIN {log} n ON n.position = e.next
LEFT JOIN LATERAL (
    SELECT k.position, k.hash FROM {log} k
    WHERE k.position < e.position AND k.position NOT IN (SELECT position FROM doomed)
    ORDER BY k.position DESC LIMIT 1
) b ON true
WHERE h.id = 1 AND (e.next IS NULL OR e.next NOT IN (SELECT position FROM doomed))
"""


def record_cuts(rows):
    """Before gallring deletes ``rows`` (access-log rows): one ``AccessLogCut`` per run of
    them, in one statement: the row the run's successor (the next row kept, or the next one
    written) will follow, and the predecessor's hash it names."""
    connection = connections[rows._db or router.db_for_write(AccessLog)]
    if connection.vendor != "postgresql":
        return  # SQLite keeps no chain
    quote = connection.ops.quote_name
    doomed, params = rows.order_by().values("pk").query.sql_with_params()
    sql = CUT_SQL.format(
        log=quote(AccessLog._meta.db_table),
        head=quote(AccessLogChainHead._meta.db_table),
        cut=quote(AccessLogCut._meta.db_table),
        doomed=doomed,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
