"""Issue 15, deliverable 7: a log nobody can rewrite. On PostgreSQL the access log, the case
events and the journal notes refuse UPDATE and DELETE in the database itself (raw SQL too),
gallring alone passes; each access-log row is chained to the one before by a hash, and
``manage.py verify_access_log`` names the first row that does not hold."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sspf_flow import accesslog, logchain, records
from sspf_flow.models import AccessLog, AccessLogCut, CaseEvent, JournalNote
from sspf_flow.models.appendonly import gallring_door
from tests.builders import unlawful_read

on_postgres = pytest.mark.postgres

TABLES = {
    AccessLog: "sspf: the access log is append-only",
    CaseEvent: "sspf: case events are append-only",
    JournalNote: "sspf: journal notes are append-only",
}


COLUMN = {AccessLog: "what", CaseEvent: "action", JournalNote: "text", AccessLogCut: "at"}


def sql(statement, params=(), model=AccessLog):
    """Raw SQL; ``{table}`` in the statement is ``model``'s table."""
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=model._meta.db_table, column=COLUMN[model]), params)
        return cursor.rowcount


@pytest.fixture
def three_rows(client, refer, coordinator, users):
    """A case with a row in each of the three tables (the case page read, its referral's
    events, a journal note)."""
    case = refer()
    records.write_journal_note(case, coordinator, "Anteckning")
    client.force_login(coordinator)
    assert client.get(f"/sspf/{case.number}/").status_code == 200
    return case


def _first(model, case):
    return model._base_manager.filter(case=case).order_by("pk").first()


@on_postgres
@pytest.mark.parametrize("model", list(TABLES))
def test_raw_sql_update_and_delete_fail_in_the_database(postgres_only, three_rows, model):
    row = _first(model, three_rows)
    before = getattr(row, COLUMN[model])
    for statement in (
        "UPDATE {table} SET {column} = 'ändrad' WHERE id = %s",
        "DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match=TABLES[model]), transaction.atomic():
            sql(statement, [row.pk], model)
    assert getattr(model._base_manager.get(pk=row.pk), COLUMN[model]) == before


@on_postgres
def test_the_record_of_gallring_is_append_only_too(postgres_only, three_rows):
    AccessLog.objects.filter(case=three_rows).gallra()
    assert AccessLogCut.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM {table}", model=AccessLogCut)


@on_postgres
def test_gallrings_door_lets_its_statements_through_and_closes_after(postgres_only, three_rows):
    with gallring_door():
        assert CaseEvent._base_manager.filter(case=three_rows).update(data={}) > 0
    assert JournalNote.objects.filter(case=three_rows).gallra(text="") == 1
    assert JournalNote._base_manager.get(case=three_rows).text == ""
    with pytest.raises(DatabaseError, match="journal notes"), transaction.atomic():
        sql("UPDATE {table} SET text = 'igen'", model=JournalNote)


@on_postgres
def test_a_failed_gallring_leaves_the_door_closed(postgres_only, three_rows):
    with pytest.raises(RuntimeError), gallring_door():
        raise RuntimeError
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM {table}", model=CaseEvent)


# --- the hash chain ---------------------------------------------------------------------------


def verify():
    """The command's output, or its error."""
    out = io.StringIO()
    try:
        call_command("verify_access_log", stdout=out)
    except CommandError as error:
        return str(error)
    return out.getvalue()


def test_the_canonical_text_covers_every_column_but_the_hash():
    columns = {field.column for field in AccessLog._meta.concrete_fields}
    assert columns - {"hash"} == set(logchain.COLUMNS)


def test_the_canonical_text_tells_null_from_empty_and_keeps_columns_apart():
    row = dict.fromkeys(logchain.COLUMNS)
    one = logchain.canonical_text({**row, "roles": "a", "what": "b"})
    two = logchain.canonical_text({**row, "roles": "a1:b", "what": None})
    assert one != two
    assert logchain.canonical_text({**row, "what": ""}) != logchain.canonical_text(row)


@pytest.fixture
def logged(client, rf, refer, coordinator, users, manager):
    """Rows written through every path the product writes them: a case page (INSERT…SELECT),
    a refused attempt, a programme's read (bulk_create), an export (save), from IPv4 and IPv6,
    with and without a user's agency."""
    case = refer()
    client.force_login(coordinator)
    assert client.get(f"/sspf/{case.number}/").status_code == 200
    assert client.get("/sspf/list/", REMOTE_ADDR="2001:db8::1").status_code == 200
    client.force_login(users["fritid"])
    assert client.get(f"/sspf/{case.number}/").status_code == 404
    request = rf.get("/", REMOTE_ADDR="10.0.0.7")
    request.user = users["polis"]
    accesslog.record_people(request, [case.youth_id], "Topp 5: lista – å, ä, ö")
    client.force_login(manager)
    assert client.get("/log/export/").status_code == 200
    unlawful_read(users["fritid"], case)
    return case


def log_rows():
    return list(AccessLog.objects.order_by("position"))


@on_postgres
def test_rows_written_every_way_form_one_verified_chain(postgres_only, logged):
    rows = log_rows()
    assert len(rows) >= 6
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == "" and all(
        later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:], strict=False)
    )
    assert {"2001:db8::1", "10.0.0.7", "127.0.0.1"} <= {row.ip for row in rows}
    assert (
        verify()
        == f"OK: {len(rows)} rows of the access log verified; the chain ends in {rows[-1].hash}\n"
    )


@on_postgres
def test_the_database_sets_the_chain_whatever_the_insert_says(postgres_only, logged, users):
    last = log_rows()[-1]
    forged = AccessLog(
        at=timezone.now(), user=users["polis"], roles="polis", what="x", action="view",
        had_basis=True, position=1, prev_hash="0" * 64, hash="0" * 64,
    )  # fmt: skip
    forged.save()
    stored = AccessLog.objects.get(pk=forged.pk)
    assert (stored.position, stored.prev_hash) == (last.position + 1, last.hash)
    assert stored.hash != "0" * 64 and verify().startswith("OK: ")


def tamper(statement, params=()):
    """A change past the protection, for this test's connection only: triggers off for the rest
    of the test's transaction (as the superuser the tests connect as)."""
    sql("SET LOCAL session_replication_role = replica")
    sql(statement, params)
    sql("SET LOCAL session_replication_role = origin")


@on_postgres
def test_an_edited_row_is_named(postgres_only, logged):
    rows = log_rows()
    edited = rows[2]
    tamper(
        "UPDATE {table} SET had_basis = NOT had_basis WHERE id = %s",
        [edited.pk],
    )
    report = verify()
    assert f"row id {edited.pk} " in report and "content changed" in report
    assert "after 2 good rows" in report


@on_postgres
def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(postgres_only, logged):
    rows = log_rows()
    edited, following = rows[1], rows[2]
    tamper("UPDATE {table} SET what = 'något annat' WHERE id = %s", [edited.pk])
    stored = AccessLog.objects.filter(pk=edited.pk).values(*logchain.COLUMNS).get()
    stored["ip"] = edited.ip
    tamper(
        "UPDATE {table} SET hash = %s WHERE id = %s",
        [logchain.row_hash(stored), edited.pk],
    )
    report = verify()
    assert f"row id {following.pk} " in report and "link broken" in report


@on_postgres
def test_a_row_deleted_in_the_middle_names_the_next(postgres_only, logged):
    rows = log_rows()
    tamper("DELETE FROM {table} WHERE id = %s", [rows[3].pk])
    report = verify()
    assert f"row id {rows[4].pk} " in report and "link broken" in report


@on_postgres
def test_the_newest_rows_deleted_are_found(postgres_only, logged):
    rows = log_rows()
    tamper("DELETE FROM {table} WHERE id = %s", [rows[-1].pk])
    assert f"positions {len(rows)} to {len(rows)}" in verify()


@on_postgres
def test_a_row_without_a_hash_is_named(postgres_only, logged):
    rows = log_rows()
    tamper("UPDATE {table} SET hash = NULL WHERE id = %s", [rows[1].pk])
    assert f"row id {rows[1].pk} " in verify()


@on_postgres
def test_gallrings_deletions_keep_the_chain_whole(postgres_only, logged, refer, client, users):
    """Old rows go by the retention rules, scattered through the chain and at its end: the
    chain still verifies, rows written after them too; a row removed beside a gap is found."""
    rows = log_rows()
    doomed = [rows[0].pk, rows[2].pk, rows[3].pk, rows[-1].pk]
    AccessLog.objects.filter(pk__in=doomed).gallra()
    assert verify().startswith(f"OK: {len(rows) - 4} rows")
    client.force_login(users["samordnare"])
    assert client.get(f"/sspf/{logged.number}/").status_code == 200
    assert verify().startswith(f"OK: {len(rows) - 3} rows")
    newest = log_rows()[-1]
    AccessLog.objects.filter(pk=rows[4].pk).gallra()  # beside an earlier gap: the gaps merge
    assert verify().startswith(f"OK: {len(rows) - 4} rows")
    tamper("DELETE FROM {table} WHERE id = %s", [rows[1].pk])
    report = verify()
    assert f"row id {newest.pk} " in report and "link broken" in report


@on_postgres
def test_purging_a_case_is_gallring_too(postgres_only, logged):
    from sspf_flow import erasure

    with transaction.atomic():
        erasure.purge_case(logged)
    assert not AccessLog.objects.filter(case=logged.pk).exists()
    assert verify().startswith("OK: ")


def test_without_postgresql_the_command_says_there_is_no_chain(db):
    if connection.vendor == "postgresql":
        pytest.skip("on SQLite only")
    assert "keeps no hash chain" in verify()


def test_the_access_log_is_not_de_identified(db):
    with pytest.raises(ValueError):
        AccessLog.objects.all().gallra(what="")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_at_once_are_chained_in_commit_order(postgres_only, users):
    """The first writer's transaction is still open when the second writes: the second waits
    for it (the chain's lock) and follows the first's row; the test runner's TRUNCATE between
    such tests is let through."""
    from tests.threads import first_then_second

    def write(what):
        return lambda: export_row(users["polis"], what)

    first, second, waited = first_then_second(write("första"), write("andra"))
    assert waited, "the second writer never waited for the chain"
    assert first.error is None and second.error is None, (first.error, second.error)
    rows = log_rows()
    assert [row.what for row in rows] == ["första", "andra"]
    assert rows[1].prev_hash == rows[0].hash
    assert verify().startswith("OK: 2 rows")


def export_row(user, what):
    """A log row about no case, as an export writes it."""
    return AccessLog.objects.create(
        at=timezone.now(), user=user, roles="polis", what=what, action="export", had_basis=True
    )
