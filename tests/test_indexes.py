"""The busiest lists' queries can be served by indexes on PostgreSQL: the case list, the inbox,
the queue, the access log and its flag of rows without a lawful basis.

The data here is small, so the planner would rightly read whole tables; with sequential scans
priced out (``enable_seqscan = off``) it still must find an index for every table each query
reads, or the plan keeps a "Seq Scan" and the test names it. At national scale (bench/) the same
indexes are what keeps these pages from growing with the number of cases."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from casework.pages import overview
from casework.workflow import worklist
from notifications.models import Deadline, DeadlineKind
from sspf_flow import access
from sspf_flow.models import AccessAction, AccessLog
from tests.builders import unlawful_read

pytestmark = [pytest.mark.postgres]


def plan(queryset, sorting=True):
    """The plan with sequential scans priced out; without ``sorting``, also sorts: the order
    must then come from an index (on statistics an earlier test left, a sort of the few rows
    one municipality seems to have can cost no more than reading them in order)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sorting:
            cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def sequential_scans(text):
    return re.findall(r"Seq Scan on (\w+)", text)


@pytest.fixture
def data(refer, coordinator, users):
    cases = [refer() for _ in range(4)]
    unlawful_read(users["fritid"], cases[0])
    return cases


def test_the_case_list_reads_a_municipalitys_cases_latest_first_by_index(data, coordinator):
    cases = access.cases_visible_to(coordinator).order_by("-referred_at")[:50]
    text = plan(cases, sorting=False)
    assert not sequential_scans(text), text
    assert "case_list_order" in text, text


@pytest.mark.parametrize("kind", [worklist.INBOX, worklist.QUEUE])
def test_the_task_lists_read_by_index(data, coordinator, kind):
    text = plan(worklist.tasks_of(coordinator, kind)[:25])
    assert not sequential_scans(text), text


def test_the_menus_badge_reads_a_coordinators_open_cases_and_their_deadlines_by_index(
    data, coordinator
):
    overdue = Deadline.objects.filter(
        case__in=overview._own_cases(coordinator).values("pk"),
        kind__in=[DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION],
        due__lt=timezone.localdate(),
    )
    text = plan(overdue.values("pk"))
    assert not sequential_scans(text), text
    assert "deadline_case_due" in text, text  # her cases by one of their indexes (no Seq Scan)


def test_the_access_log_and_its_flag_read_by_index(data, manager):
    visible = access.log_visible_to(manager)
    text = plan(visible.order_by("-at", "-pk")[:50])
    assert not sequential_scans(text), text
    flagged = visible.filter(had_basis=False).exclude(action=AccessAction.REFUSED)
    text = plan(flagged.values("pk"))
    assert "accesslog_no_basis" in text, text
    assert not sequential_scans(text), text
    assert flagged.count() == 1 and AccessLog.objects.count() >= 1


def test_the_detector_sees_a_sequential_scan(db):
    """The other side: a query no index serves keeps its Seq Scan (so the tests above can
    fail)."""
    text = plan(AccessLog.objects.filter(what__contains="x").order_by())
    assert sequential_scans(text) == ["sspf_flow_accesslog"], text
