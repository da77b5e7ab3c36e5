"""Issue 15, deliverable 8: a refused request for a real case (or a programme's young person)
writes a log row marked refused, whatever kind of URL named it; the log's review counts the
refused attempts per user over a period and flags bursts."""

import datetime as dt

from django.utils import timezone

from casework.workflow.steps import open_task
from sspf_flow.models import AccessLog
from sspf_flow.models.process import processes_of
from tests.urlmap import task_url


def refused_rows(user):
    return AccessLog.objects.filter(user=user, action="refused")


def refused_urls(case):
    process = processes_of(case).first()
    task = open_task(case, "assess")
    return [
        f"/sspf/{case.number}/",
        f"/sspf/{case.number}/history/",
        f"/sspf/{case.number}/consent-form.pdf",
        f"/sspf/{case.number}/information.pdf",
        f"/sspf/{case.number}/journal/new/",
        f"/case/{process.pk}/",
        task_url(task, "detail"),
        task_url(task, "execute"),
    ]


def test_every_kind_of_case_url_refused_writes_a_refused_row(client, refer, users):
    case = refer()
    client.force_login(users["fritid"])  # leisure: no consent covers them
    for url in refused_urls(case):
        before = refused_rows(users["fritid"]).count()
        status = client.get(url).status_code
        assert status in (403, 404), url
        rows = list(refused_rows(users["fritid"]).order_by("pk")[before:])
        assert len(rows) == 1, url
        assert (rows[0].case, rows[0].had_basis, rows[0].what) == (case, False, url)


def test_a_url_of_no_real_case_writes_nothing(client, users):
    client.force_login(users["fritid"])
    for url in ("/sspf/SSPF-2099-9999/history/", "/case/999999/"):
        assert client.get(url).status_code in (403, 404)
    assert not refused_rows(users["fritid"]).exists()


def test_a_refused_programme_persons_page_writes_a_refused_row(client, users, agencies):
    """Top 5 is the police's and social services': leisure, a member of the group, is refused
    a person's page, and the row names the young person (no case)."""
    from operative import top5
    from tests.programme_builders import top5_group, top5_on_the_list

    group = top5_group(users, agencies)
    selection = top5.record_selection(group, users["polis"], held_on=timezone.localdate())
    entry = top5_on_the_list(group, users["polis"], selection, "Vera", "Listad")
    client.force_login(users["fritid"])
    assert client.get(f"/operative/top5/{entry.pk}/").status_code in (403, 404)
    assert client.get("/operative/top5/999999/").status_code == 404
    (row,) = refused_rows(users["fritid"])
    assert (row.case, row.youth_id, row.had_basis) == (None, entry.youth_id, False)
    client.force_login(users["polis"])
    assert client.get(f"/operative/top5/{entry.pk}/").status_code == 200
    assert not refused_rows(users["polis"]).exists()


# --- the review ----------------------------------------------------------------------------------


def refused_at(user, case, at, n=1):
    """``n`` refused attempts by ``user`` at ``at`` (a minute apart), as the log stores them."""
    for i in range(n):
        AccessLog.objects.create(
            at=at + dt.timedelta(minutes=i), user=user, roles="fritid", case=case,
            youth_id=case.youth_id, what=f"/sspf/{case.number}/", action="refused",
            had_basis=False,
        )  # fmt: skip


def review(client, manager, **filters):
    client.force_login(manager)
    page = client.get("/log/", filters)
    assert page.status_code == 200
    return page


def test_the_review_counts_refused_attempts_per_user(client, refer, users, manager):
    case = refer()
    client.force_login(users["fritid"])
    for _ in range(3):
        assert client.get(f"/sspf/{case.number}/").status_code == 404
    client.force_login(users["trygghet"])
    assert client.get(f"/sspf/{case.number}/history/").status_code == 404
    page = review(client, manager)
    counts = {row.username: row.count for row in page.context["refusals"]}
    assert counts == {"frida": 3, "tove": 1}
    text = page.content.decode()
    assert "Nekade försök, de senaste 30 dagarna" in text
    assert "Många nekade försök på kort tid" not in text  # 3 is no burst (5 in 10 minutes)


def test_the_review_counts_the_last_30_days_or_the_filters_period(client, refer, users, manager):
    case = refer()
    now = timezone.now()
    refused_at(users["fritid"], case, now - dt.timedelta(days=40), n=2)
    refused_at(users["fritid"], case, now - dt.timedelta(days=2))
    page = review(client, manager)
    assert [(row.username, row.count) for row in page.context["refusals"]] == [("frida", 1)]
    since = timezone.localdate() - dt.timedelta(days=45)
    page = review(client, manager, since=since.isoformat())
    assert [(row.username, row.count) for row in page.context["refusals"]] == [("frida", 3)]
    assert f"Nekade försök, {since:%Y-%m-%d} – {timezone.localdate():%Y-%m-%d}" in (
        page.content.decode()
    )


def test_a_burst_of_refused_attempts_is_flagged(client, refer, users, manager):
    case = refer()
    now = timezone.now()
    refused_at(users["fritid"], case, now - dt.timedelta(hours=3), n=5)  # 5 within 5 minutes
    for hours in range(5):  # 5 in the day, an hour apart: no burst
        refused_at(users["trygghet"], case, now - dt.timedelta(hours=hours, minutes=30))
    page = review(client, manager)
    assert page.context["bursts"] == ["frida"]
    text = page.content.decode()
    assert "Många nekade försök på kort tid: frida" in text
    assert "5 eller fler inom 10 minuter" in text


def test_the_burst_rule_is_a_setting(client, refer, users, manager, settings):
    settings.REFUSED_BURST_COUNT, settings.REFUSED_BURST_MINUTES = 3, 120
    case = refer()
    refused_at(users["trygghet"], case, timezone.now() - dt.timedelta(hours=2), n=1)
    refused_at(users["trygghet"], case, timezone.now() - dt.timedelta(minutes=50), n=2)
    assert review(client, manager).context["bursts"] == ["tove"]


def test_attempts_at_the_municipalitys_cases_count_whoever_made_them(
    client, refer, users, manager, foreign_coordinator
):
    """The review's scope is the log of the municipality's cases (access.log_visible_to): an
    attempt by another municipality's coordinator at one of them is counted there."""
    case = refer()
    client.force_login(foreign_coordinator)
    assert client.get(f"/sspf/{case.number}/").status_code == 404
    assert [row.username for row in review(client, manager).context["refusals"]] == [
        foreign_coordinator.username
    ]


def test_the_reviews_queries_do_not_grow_with_refusals(
    client, refer, users, manager, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = refer()
    refused_at(users["fritid"], case, timezone.now() - dt.timedelta(hours=1))
    client.force_login(manager)
    client.get("/log/")
    with CaptureQueriesContext(connection) as few:
        client.get("/log/")
    for n, who in enumerate(("trygghet", "skola", "polis", "styrgrupp")):
        refused_at(users[who], case, timezone.now() - dt.timedelta(hours=2 + n), n=6)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/log/")
    assert len(page.context["refusals"]) == 5 and len(page.context["bursts"]) == 4
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        client.get("/log/")
