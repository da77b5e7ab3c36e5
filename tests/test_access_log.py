"""Every read and change of case data leaves one row in the access log, and the log can be
reviewed (filters, the no-basis flag, CSV, per young person) by those who may."""

import csv
import io
import re

import pytest
from django.utils import timezone

from casework.workflow import steps
from sspf_flow.models import AccessLog
from tests.builders import OUTCOMES_POST, RBM_POST, accept_step, unlawful_read


@pytest.fixture
def consented_case(refer, coordinator, consent_for, agencies):
    case = refer()
    accept_step(case, coordinator)
    steps.complete(
        case, "obtain_consent", coordinator, lambda: consent_for(case, [agencies["polis"]])
    )
    return case


def test_reading_a_case_page_writes_exactly_one_row(client, consented_case, users, agencies):
    client.force_login(users["polis"])
    before = AccessLog.objects.count()
    assert client.get(f"/sspf/{consented_case.number}/").status_code == 200
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("pk")
    assert (row.user, row.agency, row.roles, row.case, row.youth_id) == (
        users["polis"],
        agencies["polis"],
        "polis",
        consented_case,
        consented_case.youth_id,
    )
    assert (row.action, row.ip, row.had_basis) == ("view", "127.0.0.1", True)


def test_a_refused_read_is_logged_as_refused_and_shows_nothing(client, consented_case, users):
    """Issue 10: the review sees who tried a case they may not read; the row is no read (it is
    not counted as an access without a lawful basis) and the answer tells nothing."""
    client.force_login(users["fritid"])
    before = AccessLog.objects.count()
    response = client.get(f"/sspf/{consented_case.number}/")
    assert response.status_code == 404 and "Lou" not in response.content.decode()
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("pk")
    assert (row.user, row.case, row.action, row.had_basis) == (
        users["fritid"],
        consented_case,
        "refused",
        False,
    )


def test_a_case_that_does_not_exist_writes_no_row(client, users):
    client.force_login(users["fritid"])
    before = AccessLog.objects.count()
    assert client.get("/sspf/SSPF-2099-9999/").status_code == 404
    assert AccessLog.objects.count() == before


def test_refused_attempts_are_listed_but_not_flagged_as_reads_without_basis(
    client, consented_case, users
):
    client.force_login(users["fritid"])
    client.get(f"/sspf/{consented_case.number}/")
    client.force_login(users["admin"])
    page = client.get("/log/")
    assert page.context["flagged"] == 0
    assert "Nekad" in page.content.decode()


def test_the_case_list_logs_each_case_it_shows(client, refer, coordinator):
    cases = [refer(), refer(), refer()]
    client.force_login(coordinator)
    client.get("/sspf/list/")
    logged = AccessLog.objects.filter(what="ärendelista", user=coordinator)
    assert sorted(logged.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)


def test_doing_a_step_logs_a_view_and_a_change(client, refer, coordinator):
    case = refer()
    task = steps.open_task(case, "assess")
    client.force_login(coordinator)
    client.post(f"/case/{task.process_id}/assess/{task.pk}/assign/")
    url = f"/case/{task.process_id}/assess/{task.pk}/execute/"
    client.get(url)
    client.post(url, {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    actions = list(
        AccessLog.objects.filter(case=case, user=coordinator).values_list("action", flat=True)
    )
    assert "view" in actions and "change" in actions


def test_a_referral_is_logged_with_the_referrers_basis(client, users):
    from casework.workflow.flows import CaseFlow
    from tests.builders import referral_post

    client.force_login(users["skola"])
    client.post(CaseFlow.start.reverse("execute"), referral_post())
    row = AccessLog.objects.get(user=users["skola"])
    assert row.action == "change" and row.had_basis  # the school may refer without consent


def test_withdrawn_consent_ends_access_and_the_log_keeps_what_happened(
    client, consented_case, users, coordinator
):
    client.force_login(users["polis"])
    assert client.get(f"/sspf/{consented_case.number}/").status_code == 200
    steps.withdraw_consent(consented_case, coordinator, consented_case.consents.get())
    assert client.get(f"/sspf/{consented_case.number}/").status_code == 404
    police_rows = AccessLog.objects.filter(user=users["polis"], case=consented_case)
    # the read while covered, lawful; the try after the withdrawal, refused
    assert list(police_rows.order_by("pk").values_list("action", "had_basis")) == [
        ("view", True),
        ("refused", False),
    ]


def test_the_log_is_append_only(client, consented_case, coordinator):
    client.force_login(coordinator)
    client.get(f"/sspf/{consented_case.number}/")
    row = AccessLog.objects.latest("pk")
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


@pytest.mark.parametrize("who", ["samordnare", "skola", "styrgrupp"])
def test_case_workers_and_the_steering_group_cannot_review_the_log(client, users, who):
    client.force_login(users[who])
    assert client.get("/log/").status_code == 403
    assert client.get("/log/export/").status_code == 403


def read(client, user, case):
    client.force_login(user)
    assert client.get(f"/sspf/{case.number}/").status_code == 200


def test_the_manager_and_the_admin_review_the_log(client, manager, users, consented_case):
    read(client, users["polis"], consented_case)
    for reviewer in (manager, users["admin"]):
        client.force_login(reviewer)
        page = client.get("/log/")
        assert page.status_code == 200
        assert consented_case.number in page.content.decode()
        assert "Lou" not in page.content.decode()  # no case contents in the log


def test_an_access_without_basis_is_flagged(client, manager, consented_case, users):
    unlawful_read(users["fritid"], consented_case, "case page")
    client.force_login(manager)
    page = client.get("/log/")
    assert page.context["flagged"] == 1
    only_flagged = client.get("/log/", {"had_basis": "false"}).context["object_list"]
    assert [row.user for row in only_flagged] == [users["fritid"]]


def test_csv_export_follows_the_filters_and_is_itself_logged(
    client, manager, consented_case, users, refer
):
    other = refer()
    read(client, users["polis"], consented_case)
    client.force_login(manager)
    response = client.get("/log/export/", {"case": consented_case.number})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "time"
    assert {row[4] for row in rows[1:]} == {consented_case.number}
    assert other.number not in {row[4] for row in rows[1:]}
    assert AccessLog.objects.filter(user=manager, action="export").exists()


def test_the_youth_report_lists_who_accessed_their_data(client, manager, consented_case, users):
    read(client, users["polis"], consented_case)
    client.force_login(manager)
    report = client.get("/log/youth/", {"number": consented_case.number})
    assert report.status_code == 200
    assert users["polis"] in {entry.user for entry in report.context["entries"]}
    assert client.get("/log/youth/", {"number": "SSPF-1999-9999"}).status_code == 404


def test_a_programme_persons_reads_are_reviewed_by_their_identity_number(
    client, manager, users, agencies, foreign_coordinator
):
    """A Top 5 person has no case: the police's reads of the list are logged per young person,
    and the municipality's reviewer finds them by the identity number (not another
    municipality's reviewer, who sees nothing of them)."""
    from operative import top5
    from tests.builders import IDENTITY_NUMBER
    from tests.programme_builders import top5_group, top5_person

    group = top5_group(users, agencies)
    selection = top5.record_selection(group, users["polis"], held_on=timezone.localdate())
    person = top5_person(group, "Vera", "Listad")
    person.personal_number = IDENTITY_NUMBER
    person.save()
    reason = {"reason": "Nyckelperson.", "legal_ground": "osl_10_18a"}
    top5.add_entry(group, users["polis"], person, selection=selection, **reason)
    client.force_login(users["polis"])
    assert client.get(f"/operative/{group.pk}/top5/").status_code == 200
    client.force_login(manager)
    report = client.get("/log/youth/", {"number": IDENTITY_NUMBER.replace("-", "")})
    assert report.status_code == 200
    entries = list(report.context["entries"])
    assert [(e.user, e.case, e.youth_id) for e in entries] == [(users["polis"], None, person.pk)]
    assert "Vera" not in report.content.decode()  # the log names the reader, not the read
    client.force_login(foreign_coordinator)
    assert client.get("/log/youth/", {"number": IDENTITY_NUMBER}).status_code in (403, 404)


def test_the_log_filters_by_period(client, manager, consented_case, users):
    read(client, users["polis"], consented_case)
    client.force_login(manager)
    today = timezone.localdate()
    assert client.get("/log/", {"since": str(today)}).context["object_list"]
    tomorrow = today + timezone.timedelta(days=1)
    assert not client.get("/log/", {"since": str(tomorrow)}).context["object_list"]
    assert not client.get("/log/", {"until": str(today - timezone.timedelta(days=1))}).context[
        "object_list"
    ]


def test_logging_a_page_of_cases_is_one_statement_with_each_rows_basis(
    rf, coordinator, refer, foreign_coordinator
):
    """However many cases a page shows, the log is one INSERT, and each row's lawful basis is
    the rules' answer for that case (here the other municipality's case has none)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sspf_flow import access, accesslog, requestcache
    from sspf_flow.models import Agency, AgencyKind, Case

    ours = [refer() for _ in range(12)]
    elsewhere = Agency.objects.create(
        municipality=foreign_coordinator.membership.agency.municipality,
        name="Grannskolan",
        kind=AgencyKind.SCHOOL,
    )
    theirs = Case.objects.get(pk=ours[-1].pk)
    theirs.municipality = elsewhere.municipality
    theirs.save()
    request = rf.get("/sspf/list/")
    request.user = coordinator
    before = AccessLog.objects.count()
    with requestcache.scope():  # as in a request: who the user is, the page has asked already
        access.cases_visible_to(coordinator)
        with CaptureQueriesContext(connection) as captured:
            accesslog.record(request, ours, "ärendelista")
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and len(captured.captured_queries) == 1
    rows = dict(AccessLog.objects.filter(pk__gt=before).values_list("case_id", "had_basis"))
    assert rows == {case.pk: case.pk != theirs.pk for case in ours}


def test_the_log_is_filtered_by_a_typed_user_name_not_a_list_of_every_user(
    client, manager, consented_case, users
):
    for who in ("polis", "skola"):
        unlawful_read(users[who], consented_case)
    client.force_login(manager)
    page = client.get("/log/?user=PER").content.decode()  # any case
    assert '<select name="user"' not in page and 'name="user"' in page
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.split("<tbody", 1)[1], re.S)
    assert rows and all(">per<" in row for row in rows)


def test_a_log_of_more_rows_than_are_counted_says_more_than(
    client, manager, users, consented_case, monkeypatch
):
    from casework import paging

    for _n in range(3):
        unlawful_read(users["polis"], consented_case)
    client.force_login(manager)
    assert "1–3 av 3" in client.get("/log/").content.decode()
    monkeypatch.setattr(paging.CappedPaginator, "cap", 2)
    assert "av fler än 2" in client.get("/log/").content.decode()
