"""Who may open what: an authorization matrix built from the URL configuration.

Every URL pattern of the project (bar /admin/, /accounts/ and static files) is filled in for one
real case that has travelled far (referred through the web form, accepted, consented, meeting
planned and held, followed up and closed, reopened, accepted, consented and a new meeting
planned), so nearly every flow node has a task. Each URL is then requested with GET by seven
roles and the answers are held to the rules of ``sspf_flow.access``:

* anonymous visitors are sent to the login page;
* the agency whose consent does not cover the case, the steering group, the administrator and
  a coordinator of another municipality never get a page about the case (403/404/302), and no
  200 of theirs names the case or the young person;
* the case's own coordinator gets every page that shows the case (200 or a redirect);
* nobody ever gets a server error.

A pattern that cannot be filled in for the case fails its test by name, unless it is in
``CASE_FREE`` (``tests/urlmap.py``, shared with ``test_leaks``): so a new view cannot be added
without somebody deciding who may see it.

The matrix is built once (first test that needs it) and every (pattern, role) pair is its own
test, so a failure names the URL and the role. Further down: the consent states (none, partial,
expired, withdrawn) on the case page and the case list, the lists of outsiders, and forged POSTs.
"""

import contextlib
import datetime as dt
import re
import traceback
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone
from viewflow.workflow.status import STATUS

from casework.workflow.steps import open_task
from sspf_flow import services
from sspf_flow.models import Agency, Case, Role, Status
from tests.builders import OUTCOMES_POST, RBM_POST, assessed, make_user
from tests.urlmap import (
    ACTIONS,
    AGENCY_FORMS,
    AGENDA_PAGES,
    CASE_FREE,
    COORDINATOR_DOWNLOADS,
    COORDINATOR_FORMS,
    FORM_EDITOR,
    FORM_EDITOR_PAGES,
    MEMBER_FORMS,
    OWN_SESSION,
    PUBLIC,
    REGISTER_PAGES,
    REVIEW,
    ROLE_PAGES,
    ROUTES,
    SIG_PAGES,
    SOCIAL_SERVICES_FORMS,
    STATISTICS,
    STATISTICS_ROLES,
    TOP5_EVALUATION,
    TOP5_PAGES,
    YOUNGSTERS_PAGES,
    build_case,
    fill,
    task_url,
)

LOGIN_URL = "/accounts/login/"
NAME = re.compile(rb"\b(Lou|Exempel)\b")  # the fictional youth; "Exempelkommun" does not match

ROLES = (
    "coordinator",
    "consented",
    "other_category",  # an agency covered by a consent that names none of its categories
    "uncovered",
    "styrgrupp",
    "admin",
    "foreign",
    "anonymous",
)
# May never see the case: not covered by the consent, steering group, administrator, and a
# coordinator of another municipality.
OUTSIDERS = ("uncovered", "styrgrupp", "admin", "foreign")


@dataclass
class Answer:
    status: int
    location: str
    leaks: list  # what of the case the body shows: case numbers, the youth's name
    limited: bool  # the case page says the consent covers only some information categories
    error: str  # the exception behind a 500, if any

    def __str__(self):
        text = f"{self.status}"
        if self.location:
            text += f" → {self.location}"
        if self.leaks:
            text += f", body shows {self.leaks}"
        if self.error:
            text += f"\n{self.error}"
        return text


def get(client, url, numbers):
    """GET ``url``; nothing it writes survives. A raised exception is recorded as a 500."""
    try:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - record it as the 500 it would be
        return Answer(500, "", [], False, traceback.format_exc(limit=-8))
    body = b"" if getattr(response, "streaming", False) else response.content
    # a 403 page offers "log in as someone else" with ?next=<this URL>: the visitor's own
    # typing, not something the page tells them
    body = body.replace(url.encode(), b"").replace(quote(url).encode(), b"")
    leaks = [n for n in numbers if n.encode() in body] + sorted(
        {m.decode() for m in NAME.findall(body)}
    )
    limited = b'data-testid="limited"' in body
    return Answer(response.status_code, response.get("Location", ""), leaks, limited, "")


LIST_PAGES = (
    "/case/inbox/",
    "/case/queue/",
    "/case/archive/",
    "/sspf/list/",
)

_MATRIX = {}


@pytest.fixture
def matrix(request, db):
    """Build the case and ask every URL as every role, once for the whole run (the answers are
    plain data, kept after this test's transaction is rolled back)."""
    if "error" in _MATRIX:
        pytest.fail(f"building the matrix failed:\n{_MATRIX['error']}")
    if not _MATRIX:
        try:
            _MATRIX.update(build_matrix(request))
        except Exception:
            _MATRIX["error"] = traceback.format_exc()
            raise
    return _MATRIX


def cover_for_another_category(case, users, agencies):
    """A second leisure centre is covered by a consent naming school information only: it
    sees the case, but none of its mixed texts. Returns its member."""
    east = Agency.objects.create(
        municipality=agencies["fritid"].municipality, name="Fritidsgården Öster", kind="fritid"
    )
    today = timezone.localdate()
    services.register_consent(
        case,
        users["samordnare"],
        method="oral",
        oral_notes="Per telefon med båda föräldrarna.",
        purpose="Fritidsgården Öster",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        agencies=[east],
        categories=["school"],
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
    )
    return make_user("olle", Role.LEISURE, east)


def build_matrix(request):
    users = request.getfixturevalue("users")
    agencies = request.getfixturevalue("agencies")
    foreign = request.getfixturevalue("foreign_coordinator")
    refer = request.getfixturevalue("refer")

    case = build_case(users, agencies)
    east = cover_for_another_category(case, users, agencies)
    other = refer(by="skola")  # case B: just referred, its assessment waits in the queue
    numbers = [case.number, other.number]
    people = {
        "coordinator": users["samordnare"],
        "consented": users["socialtjanst"],
        "other_category": east,
        "uncovered": users["trygghet"],
        "styrgrupp": users["styrgrupp"],
        "admin": users["admin"],
        "foreign": foreign,
        "anonymous": None,
    }
    urls = {route: fill(route, case) for route, _id in ROUTES}
    current = open_task(case, "hold_meeting")  # assigned to the coordinator
    current_urls = {view: task_url(current, view) for view in ("index", "execute", "unassign")}
    wanted = {url for url, _problem in urls.values() if url}
    wanted |= set(LIST_PAGES) | set(current_urls.values())
    answers = {}
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in sorted(wanted):
            answers[url, role] = get(client, url, numbers)
    return {
        "case": case.number,
        "numbers": numbers,
        "urls": urls,
        "current": current_urls,
        "answers": answers,
    }


def is_login_redirect(answer):
    return answer.status == 302 and answer.location.startswith(LOGIN_URL)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", [r for r, _ in ROUTES], ids=[i for _, i in ROUTES])
def test_matrix(matrix, route, role):
    url, problem = matrix["urls"][route]
    if problem:
        pytest.fail(f"cannot build a URL for pattern {problem}")
    answer = matrix["answers"][url, role]
    where = f"GET {url} as {role}: {answer}"
    case_page = route.route not in CASE_FREE

    assert answer.status != 500, where
    editor = route.route in FORM_EDITOR or (
        route.namespace == "forms" and route.name in FORM_EDITOR_PAGES
    )
    if editor and role != "anonymous":
        assert not answer.leaks, f"{where} (the editor shows no case)"
        if role == "admin":
            assert answer.status in (200, 302, 405), where
        else:
            assert answer.status == 403, f"{where} (only the administrator edits templates)"
        return
    if route.route in ROLE_PAGES and role != "anonymous":
        assert not answer.leaks, f"{where} (a landing page shows no case)"
        expected = 200 if role == ROLE_PAGES[route.route] else 403
        assert answer.status == expected, f"{where} (the landing page of {ROLE_PAGES[route.route]})"
        return
    if route.route in OWN_SESSION:
        assert not answer.leaks, f"{where} (the user's own login names no case)"
        if route.route == "session/keepalive/":
            assert answer.status == 405, f"{where} (POST only)"
        elif role == "anonymous":
            assert is_login_redirect(answer), where
        else:
            assert answer.status == 200, f"{where} (everyone's own)"
        return
    if route.route in STATISTICS and role != "anonymous":
        assert not answer.leaks, f"{where} (the statistics name no case and no one)"
        expected = 200 if role in STATISTICS_ROLES else 403
        assert answer.status == expected, f"{where} (the steering group's and coordinators')"
        return
    if route.route in REVIEW and role != "anonymous":
        if role == "admin":
            assert answer.status == 200, where
            assert not set(answer.leaks) - set(matrix["numbers"]), f"{where} (a name shown)"
        else:
            assert answer.status == 403, f"{where} (only reviewers read the access log)"
        return
    if route.namespace == "operative":
        operative_page(answer, route, role, where)
        return
    if route.namespace == "reporting" and route.name in REGISTER_PAGES:
        register_page(answer, route, role, where)
        return
    if role == "anonymous":
        if route.route in PUBLIC:
            assert not answer.leaks, where
        else:
            assert is_login_redirect(answer), f"{where} (expected a redirect to {LOGIN_URL})"
        return
    if role in OUTSIDERS:
        assert not (answer.status == 200 and answer.leaks), where
        if case_page:
            assert answer.status in (302, 403, 404), where
            assert not is_login_redirect(answer), where
        return
    if role in ("consented", "other_category"):
        if route.name in COORDINATOR_DOWNLOADS:
            assert answer.status == 403, f"{where} (only the coordinator downloads it)"
        elif route.name in AGENCY_FORMS:
            # the consented agency is invited to the planned meeting; the other one is not
            expected = 200 if role == "consented" else 403
            assert answer.status == expected, f"{where} (an invited, covered agency's form)"
        elif route.name in SOCIAL_SERVICES_FORMS:
            # social services' Sven is covered with social services' category; the other not
            expected = 200 if role == "consented" else 403
            assert answer.status == expected, f"{where} (the coordinator's and social services')"
        elif case_page and route.name in ACTIONS:
            assert answer.status in (302, 403, 404), f"{where} (only coordinators act)"
        elif route.name == "case_detail":
            assert answer.status == 200 and matrix["case"] in answer.leaks, where
            # every category for the consented agency; the other sees the limited view
            assert answer.limited == (role == "other_category"), where
        return
    # the case's own coordinator
    if route.name in AGENCY_FORMS:
        assert answer.status == 403, f"{where} (the agencies' own form)"
        return
    if route.name in ACTIONS:
        # whether a step may be taken now depends on the task's state (a finished task
        # cannot be executed again), but the case is never hidden from its coordinator
        assert answer.status in (200, 302, 403), where
    else:
        assert answer.status in (200, 302), where
        assert not is_login_redirect(answer), where
    if route.name == "case_detail":
        assert matrix["case"] in answer.leaks, where
    if route.name in COORDINATOR_DOWNLOADS:
        assert answer.status == 200, f"{where} (the coordinator downloads it)"


def operative_page(answer, route, role, where):
    """The operative group's pages (issue 13): its chair (the consented agency's Sven) and
    the municipality's coordinator open them; anyone else gets 403, a visitor the login. The
    calendar feed asks for its token, not a login. None of them names a case but the agenda,
    which names the matrix case to its coordinator and to the chair, whose agency a consent
    covers. The members' forms on the agenda are theirs, the possible referral the
    coordinator's. A joint commitment, its form and the minutes' PDF (issue 13, 3) name no
    case: the chair and the coordinator record and keep commitments and read the minutes."""
    if route.name in TOP5_PAGES:
        top5_page(answer, route, role, where)
        return
    if route.name in YOUNGSTERS_PAGES or route.name in SIG_PAGES:
        programme_page(answer, role, where)
        return
    if route.name in AGENDA_PAGES and role in ("coordinator", "consented"):
        assert answer.status == 200, where
    else:
        assert not answer.leaks, where
    if route.name == "feed":
        assert answer.status == 200, f"{where} (the feed opens with its token)"
    elif role == "anonymous":
        assert is_login_redirect(answer), where
    elif route.name == "renew_calendar":
        assert answer.status == 405 if role in ("coordinator", "consented") else 403, where
    elif route.name in MEMBER_FORMS and role in ("coordinator", "consented"):
        assert answer.status == (200 if role == "consented" else 403), f"{where} (members')"
    elif route.name in COORDINATOR_FORMS and role in ("coordinator", "consented"):
        assert answer.status == (200 if role == "coordinator" else 403), f"{where} (coordinator)"
    elif role in ("coordinator", "consented") or (route.name == "index" and role == "foreign"):
        assert answer.status == 200, where  # another municipality's coordinator: its own list
    else:
        assert answer.status == 403, f"{where} (not in the group)"


def register_page(answer, route, role, where):
    """The register extract (issue 14, 7): the coordinator of the young person's municipality
    opens its pages; another municipality's coordinator has a list of their own and gets 404
    for this one's request; every other role 403 (the agencies, the steering group, the
    administrator); a visitor the login."""
    if role == "anonymous":
        assert is_login_redirect(answer), where
    elif role == "coordinator":
        assert answer.status == 200, f"{where} (the coordinator's)"
    elif role == "foreign":
        assert not answer.leaks, where
        expected = 200 if route.name == "register" else 404
        assert answer.status == expected, f"{where} (another municipality's request)"
    else:
        assert not answer.leaks, where
        assert answer.status == 403, f"{where} (only the coordinator answers register requests)"


def top5_page(answer, route, role, where):
    """Top 5 (issue 13, 5): the list, a person's page and the forms are for the group's police
    and social services members (the chair Sven, of social services); the evaluation, which
    names no one, also for the municipality's coordinator and steering group; everyone else
    403, a visitor the login. The persons' names are asserted in test_top5."""
    assert not answer.leaks, where
    readers = ("consented", "coordinator", "styrgrupp")
    if role == "anonymous":
        assert is_login_redirect(answer), where
    elif role == "consented" or (route.name in TOP5_EVALUATION and role in readers):
        assert answer.status == 200, f"{where} (Top 5)"
    else:
        assert answer.status == 403, f"{where} (Top 5 is police and social services')"


def programme_page(answer, role, where):
    """Youngsters and SIG (issue 13, 4 and 6) name young people who are not the matrix case's:
    their pages open for the group's police and social services members (Sven of social
    services, the chair, the "consented" role; he also coaches the SIG person) and for nobody
    else — the coordinator, who is no member, gets 403 like everyone else; a visitor the login.
    Which names each role sees is asserted in test_youngsters_pages and test_sig_pages."""
    assert not answer.leaks, where
    if role == "anonymous":
        assert is_login_redirect(answer), where
    elif role == "consented":
        assert answer.status == 200, f"{where} (police and social services' programme)"
    else:
        assert answer.status == 403, f"{where} (only police and social services members)"


def test_the_coordinator_can_work_the_current_task(matrix):
    """The open task (hold the meeting, in the coordinator's inbox) opens for its coordinator
    and for nobody else."""
    urls = matrix["current"]
    index = matrix["answers"][urls["index"], "coordinator"]
    assert index.status == 302 and index.location == urls["execute"], index
    for view in ("execute", "unassign"):
        answer = matrix["answers"][urls[view], "coordinator"]
        assert answer.status == 200 and matrix["case"] in answer.leaks, f"{view}: {answer}"
        for role in ("consented", *OUTSIDERS):
            answer = matrix["answers"][urls[view], role]
            assert answer.status in (403, 404), f"{view} as {role}: {answer}"


def test_every_decision_is_about_a_page_that_exists():
    """A decision about a URL that is gone (e.g. viewflow's bulk assign, removed in issue 10)
    would silently keep a stale promise: each names a route the resolver has."""
    routes = {route.route for route, _id in ROUTES}
    assert not set(CASE_FREE) - routes


def test_the_matrix_case_has_a_task_at_every_node(matrix):
    """A node the matrix case never reaches leaves its task pages untested: say which."""
    unfilled = [problem for url, problem in matrix["urls"].values() if problem]
    assert not unfilled, "\n".join(unfilled)


# --- lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("url", LIST_PAGES)
def test_lists_of_outsiders_show_no_case(matrix, url, role):
    answer = matrix["answers"][url, role]
    assert answer.status != 500, f"GET {url} as {role}: {answer}"
    assert not answer.leaks, f"GET {url} as {role}: {answer}"


@pytest.mark.parametrize("url", LIST_PAGES)
def test_lists_of_the_coordinator_show_the_cases(matrix, url):
    """The other side of the test above: the same lists do show the cases to their coordinator
    (so an empty page is not mistaken for a tight one)."""
    answer = matrix["answers"][url, "coordinator"]
    if answer.status == 302:
        pytest.skip(f"{url} redirects to {answer.location}")
    assert answer.status == 200, f"GET {url} as coordinator: {answer}"
    assert set(answer.leaks) & set(matrix["numbers"]), f"GET {url} as coordinator: {answer}"


# --- consent states --------------------------------------------------------------------------

AGENCY_USERS = ("skola", "socialtjanst", "polis", "fritid", "trygghet")
FULL_SCOPE = ("skola", "socialtjanst", "polis", "fritid")


def sees(client, case):
    """(case page shows the case, case list shows the case) for the client's user."""
    url = f"/sspf/{case.number}/"
    page = client.get(url)
    assert page.status_code in (200, 403, 404), page.status_code
    body = page.content.replace(url.encode(), b"")  # a 403 page links to login?next=<url>
    shown = page.status_code == 200
    assert (case.number.encode() in body) == shown, f"{url}: {page.status_code}"
    assert bool(NAME.search(body)) == shown, f"{url}: {page.status_code}"
    listed = client.get("/sspf/list/")
    assert listed.status_code in (200, 403), listed.status_code  # 403: no case work at all
    in_list = case.number.encode() in listed.content
    assert in_list == bool(NAME.search(listed.content)), "number and name go together"
    return shown, in_list


def check_visibility(users, case, covered, when=None):
    """Each agency user sees the case exactly when covered; the coordinator always; the
    steering group and the administrator never. The referrer keeps its number and status."""
    with time_machine.travel(when, tick=False) if when else contextlib.nullcontext():
        for who in (*AGENCY_USERS, "samordnare", "styrgrupp", "admin"):
            client = Client()
            client.force_login(users[who])
            expected = who == "samordnare" or who in covered
            assert sees(client, case) == (expected, expected), f"{who} (covered: {covered})"
        referrer = Client()
        referrer.force_login(users["skola"])
        referrals = referrer.get("/sspf/referrals/")
        assert referrals.status_code == 200
        assert case.number.encode() in referrals.content
        assert not NAME.search(referrals.content), "the referrals list shows no name"


@pytest.fixture
def accepted(refer, coordinator):
    case = refer(by="skola")
    services.accept_referral(case, coordinator, assessed("medium"))
    return case


def test_no_consent(users, accepted):
    check_visibility(users, accepted, covered=set())


def test_partial_consent_covers_school_only(users, agencies, accepted, consent_for):
    consent_for(accepted, [agencies["skola"]])
    check_visibility(users, accepted, covered={"skola"})


def test_full_consent(users, agencies, accepted, consent_for):
    consent_for(accepted, [agencies[k] for k in FULL_SCOPE])
    check_visibility(users, accepted, covered=set(FULL_SCOPE))


def test_expired_consent(users, agencies, accepted, consent_for):
    consent = consent_for(accepted, [agencies[k] for k in FULL_SCOPE], days=30)
    noon = dt.time(12, 0)
    last_day = timezone.make_aware(dt.datetime.combine(consent.valid_to, noon))
    check_visibility(users, accepted, covered=set(FULL_SCOPE), when=last_day)
    day_after = last_day + dt.timedelta(days=1)
    check_visibility(users, accepted, covered=set(), when=day_after)


def test_consent_not_yet_valid(users, agencies, accepted, consent_for):
    consent = consent_for(accepted, [agencies[k] for k in FULL_SCOPE])
    day_before = timezone.make_aware(
        dt.datetime.combine(consent.valid_from - dt.timedelta(days=1), dt.time(12, 0))
    )
    check_visibility(users, accepted, covered=set(), when=day_before)


def test_withdrawn_consent(users, agencies, accepted, consent_for, coordinator):
    consent = consent_for(accepted, [agencies[k] for k in FULL_SCOPE])
    services.withdraw_consent(accepted, coordinator, consent, reason="Vårdnadshavarna ångrar sig.")
    accepted.refresh_from_db()
    assert accepted.status == Status.AWAITING_CONSENT
    check_visibility(users, accepted, covered=set())


def test_consent_withdrawn_for_one_agency(users, agencies, accepted, consent_for, coordinator):
    consent = consent_for(accepted, [agencies[k] for k in FULL_SCOPE])
    services.withdraw_consent(accepted, coordinator, consent, agency=agencies["polis"])
    check_visibility(users, accepted, covered={"skola", "socialtjanst", "fritid"})


def test_closed_case_is_hidden_from_agencies(users, agencies, accepted, consent_for, coordinator):
    consent_for(accepted, [agencies[k] for k in FULL_SCOPE])
    services.close_case(accepted, coordinator, "moved")
    check_visibility(users, accepted, covered=set())


def test_referrer_not_covered_sees_only_number_and_status(client, users, refer):
    case = refer(by="polis")
    client.force_login(users["polis"])
    referrals = client.get("/sspf/referrals/")
    assert referrals.status_code == 200
    assert case.number.encode() in referrals.content
    assert not NAME.search(referrals.content)
    assert client.get(f"/sspf/{case.number}/").status_code == 404
    assert case.number.encode() not in client.get("/sspf/list/").content


def test_foreign_coordinator_sees_nothing_of_the_case(client, refer, foreign_coordinator):
    case = refer()
    client.force_login(foreign_coordinator)
    assert client.get(f"/sspf/{case.number}/").status_code == 404
    assert case.number.encode() not in client.get("/sspf/list/").content
    assert client.get("/sspf/referrals/").status_code == 200


# --- forged POSTs ---------------------------------------------------------------------------

FORGERS = ("foreign", "uncovered", "consented", "styrgrupp", "admin")


@pytest.fixture
def forger(request, users, foreign_coordinator):
    return {
        "foreign": foreign_coordinator,
        "uncovered": users["trygghet"],
        "consented": users["socialtjanst"],
        "styrgrupp": users["styrgrupp"],
        "admin": users["admin"],
    }[request.param]


def task_state(task):
    task.refresh_from_db()
    return task.status, task.owner_id, task.started, task.finished


@pytest.mark.parametrize("forger", FORGERS, indirect=True)
def test_forged_posts_change_nothing(client, refer, agencies, consent_for, coordinator, forger):
    """Someone who may not act on the case POSTs the coordinator's forms by hand: refused,
    and neither the task nor the case moves."""
    case = refer()
    consent_for(case, [agencies[k] for k in FULL_SCOPE])  # the covered agencies see the case
    case.refresh_from_db()
    assert case.status == Status.REFERRED
    events = case.events.count()
    assess = open_task(case, "assess")
    client.force_login(forger)

    before = task_state(assess)
    response = client.post(task_url(assess, "assign"))
    assert response.status_code in (403, 404), f"assign: {response.status_code}"
    assert task_state(assess) == before

    boss = Client()
    boss.force_login(coordinator)
    assert boss.post(task_url(assess, "assign")).status_code == 302
    before = task_state(assess)
    assert before[:2] == (STATUS.ASSIGNED, coordinator.pk)

    # valid: would accept the referral
    accept = {**RBM_POST, **OUTCOMES_POST, "decision": "accept", "risk_level": "high"}
    for view, data in (("execute", accept), ("unassign", {}), ("assign", {})):
        response = client.post(task_url(assess, view), data)
        assert response.status_code in (403, 404), f"{view}: {response.status_code}"
        assert task_state(assess) == before, view

    for view, data in (
        ("close", {"closure_reason": "moved", **OUTCOMES_POST}),
        ("reopen", {"reason": "Ny oro."}),
    ):
        response = client.post(f"/sspf/{case.number}/{view}/", data)
        assert response.status_code in (403, 404), f"{view}: {response.status_code}"

    consent = case.consents.get()
    withdraw = f"/sspf/{case.number}/consent/{consent.pk}/withdraw/"
    response = client.post(withdraw, {"agency": "", "reason": "Förfalskad."})
    assert response.status_code in (403, 404), f"withdraw: {response.status_code}"
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not consent.scope.filter(withdrawn_at__isnull=False).exists()

    refreshed = Case.objects.get(pk=case.pk)
    assert refreshed.status == Status.REFERRED
    assert (refreshed.risk_level, refreshed.coordinator_id) == (case.risk_level, None)
    assert refreshed.events.count() == events
