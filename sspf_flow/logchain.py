"""The access log's hash chain (PostgreSQL): each row carries its place in the chain
(``position``), the hash of the row before (``prev_hash``) and its own ``hash``, the SHA-256 of
its canonical text (below), which covers every column including ``prev_hash``. The database
writes the three as the row is inserted (the trigger of migration 0029, which builds the same
text in SQL), so ``accesslog.record`` keeps its one INSERT…SELECT.

``verify`` walks the chain in order and names the first row that does not hold: its content
changed (the hash does not match it), its link is broken (the row before it was removed or
changed outside gallring), or it has no hash (written past the trigger). Gallring deletes old
rows by the municipalities' rules; it records each link it cuts first (an ``AccessLogCut``,
``models.accesslog.record_cuts``), and the verification accepts exactly those gaps.

SQLite (the demo) keeps no chain: the protection and the chain are PostgreSQL's."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import CharField, F, Func

from .models import AccessLog, AccessLogChainHead, AccessLogCut

# the columns of the canonical text, in its order: every column of the row but its own hash
COLUMNS = (
    "position",
    "prev_hash",
    "id",
    "at",
    "user_id",
    "agency_id",
    "roles",
    "case_id",
    "youth_id",
    "what",
    "action",
    "ip",
    "had_basis",
)


def _field(value):
    """One column: ``~`` for NULL, else its length in characters, a colon and its text (so no
    text can pass for two columns)."""
    if value is None:
        return "~"
    if isinstance(value, bool):
        value = "t" if value else "f"
    elif isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    else:
        value = str(value)
    return f"{len(value)}:{value}"


def canonical_text(row):
    """The text a row's hash is taken of; ``row`` maps ``COLUMNS`` to the stored values (the IP
    address as PostgreSQL's ``host()`` writes it)."""
    return "".join(_field(row[column]) for column in COLUMNS)


def row_hash(row):
    return hashlib.sha256(canonical_text(row).encode()).hexdigest()


def kept(using=None):
    """Whether the database keeps the chain (PostgreSQL does, SQLite does not)."""
    using = using or router.db_for_write(AccessLog)
    return connections[using].vendor == "postgresql"


@dataclass
class Problem:
    row_id: int | None
    at: datetime.datetime | None
    what: str

    def __str__(self):
        if self.row_id is None:
            return self.what
        at = self.at.astimezone(datetime.UTC)
        return f"row id {self.row_id} ({at:%Y-%m-%d %H:%M:%S} UTC): {self.what}"


@dataclass
class Verdict:
    rows: int
    problem: Problem | None = None
    last_hash: str = ""

    @property
    def ok(self):
        return self.problem is None


class _Cuts:
    """Gallring's cuts in the order of the positions they lead to, read alongside the rows."""

    def __init__(self, using):
        self._cuts = (
            AccessLogCut.objects.using(using)
            .order_by("next_position", "pk")
            .values_list("next_position", "before_position", "before_hash", "removed_hash")
            .iterator(chunk_size=2000)
        )
        self._next = next(self._cuts, None)

    def at(self, position):
        """The cuts that lead to ``position`` (the positions before it are passed by)."""
        while self._next is not None and self._next[0] < position:
            self._next = next(self._cuts, None)
        found = []
        while self._next is not None and self._next[0] == position:
            found.append(self._next[1:])
            self._next = next(self._cuts, None)
        return found


def _bridged(cuts, position, before_position, before_hash, prev_hash):
    return any(cut == (before_position, before_hash, prev_hash) for cut in cuts.at(position))


def verify(using=None):
    """Walk the chain in order, a chunk of rows at a time. Returns a ``Verdict``: the number of
    rows checked and the first problem, if any."""
    using = using or router.db_for_write(AccessLog)
    log = AccessLog.objects.using(using)
    unchained = log.filter(hash__isnull=True).order_by("pk").values_list("pk", "at").first()
    if unchained is None:
        unchained = log.filter(position__isnull=True).order_by("pk").values_list("pk", "at").first()
    if unchained is not None:
        return Verdict(
            0, Problem(*unchained, "not in the chain: no hash (written past the trigger)")
        )
    rows = (
        log.order_by("position")
        .annotate(ip_text=Func(F("ip"), function="host", output_field=CharField()))
        .values(*(c for c in COLUMNS if c != "ip"), "ip_text", "hash")
        .iterator(chunk_size=2000)
    )
    cuts = _Cuts(using)
    position, last_hash, count = 0, "", 0
    for row in rows:
        row["ip"] = row.pop("ip_text")
        if row_hash(row) != row["hash"]:
            return Verdict(
                count, Problem(row["id"], row["at"], "content changed (hash does not match)")
            )
        linked = row["position"] == position + 1 and row["prev_hash"] == last_hash
        if not linked and not _bridged(
            cuts, row["position"], position, last_hash, row["prev_hash"]
        ):
            return Verdict(
                count,
                Problem(
                    row["id"],
                    row["at"],
                    "link broken: the row before it was removed or changed outside gallring",
                ),
            )
        position, last_hash, count = row["position"], row["hash"], count + 1
    head = AccessLogChainHead.objects.using(using).filter(pk=1).first()
    if head is None:
        if count:
            return Verdict(count, Problem(None, None, "the chain's head is missing"), last_hash)
        return Verdict(0)
    at_end = (head.position, head.hash) == (position, last_hash)
    if not at_end and not _bridged(_Cuts(using), head.position + 1, position, last_hash, head.hash):
        return Verdict(
            count,
            Problem(
                None,
                None,
                f"the newest rows (positions {position + 1} to {head.position}) were removed "
                "outside gallring",
            ),
            last_hash,
        )
    return Verdict(count, last_hash=head.hash)
