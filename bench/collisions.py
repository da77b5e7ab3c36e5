"""Two coordinators on one case at the same moment, over HTTP, on PostgreSQL: true races (no
forced order), ``--rounds`` per pairing, and what each side got.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/collisions.py \\
        [--rounds 50] [--pairings close-plan,reopen-close] [--workers 2] [--threads 1]

Works in its own database, ``sspf_bench_collisions`` (created and migrated when missing; never
``sspf_bench``). Each round builds a fresh case through the services in this process (a
municipality, a school, social services, two coordinators), both browsers GET their form pages
(CSRF tokens), then two threads released by one barrier POST at once to gunicorn serving the
project on a free local port. Each side's answer is sorted: won (redirected to the case page),
refused with the Swedish conflict message, refused in other words, another 4xx, HTTP 500, other;
and whether a raw internal text (``no transition from``, ``Traceback`` …) was in a body. Then the
database: which of the two changes were written (the case's events), whether that matches the
answers, and whether the flow's open tasks still agree with the case's status. Prints Markdown.
"""

import argparse
import datetime as dt
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402
from bench.load import SECRET, free_port, session_for  # noqa: E402
from bench.measure import patch_dispatch  # noqa: E402

DEFAULT_DATABASE = "sspf_bench_collisions"
SEEDED = "sspf_bench"  # bench/notifications.py's database: never this one
TIMEOUT = 60  # seconds for one request; reached only if something hangs

# What the pages say (locale/sv: services._conflict and services._not_now).
CONFLICT = "Någon annan har ändrat ärendet under tiden"
NOT_NOW = "Det här går inte att göra medan ärendet"
# Internal texts that must never reach a user.
RAW = [
    "no transition from",
    "Traceback",
    "InFailedSqlTransaction",
    "current transaction is aborted",
    "TransitionNotAllowed",
    "ConcurrentTransition",
    "FlowLockFailed",
    "deadlock detected",
    "CANCELED",
    "Someone else changed",
]

OUTCOMES = ["won", "conflict", "refused", "4xx", "500", "other"]
HEADINGS = {
    "won": "won",
    "conflict": "refused: conflict message",
    "refused": "refused: other words",
    "4xx": "other 4xx",
    "500": "HTTP 500",
    "other": "other",
}

# The events each step writes when it is done (a close before acceptance is a decline).
EFFECTS = {
    "close": {"case.closed", "case.declined"},
    "reopen": {"case.reopened"},
    "withdraw": {"consent.withdrawn"},
    "plan": {"meeting.planned"},
    "take": {"meeting.planned"},
    "hold": {"meeting.held"},
    "follow_up": {"followup.recorded"},
}
STEP_NAMES = {
    "close": "close (case page)",
    "reopen": "reopen (case page)",
    "withdraw": "withdraw consent (case page)",
    "plan": "plan meeting (step page)",
    "take": "take the queued task and plan",
    "hold": "hold meeting (step page)",
    "follow_up": "follow up (step page)",
}


@dataclass(frozen=True)
class Side:
    step: str
    who: str  # "anja": the case's coordinator, who owns its tasks; "anton": her colleague
    browser: int = 1  # a second browser (tab) of the same user


@dataclass(frozen=True)
class Pairing:
    state: str
    sides: tuple


PAIRINGS = {
    "close-plan": Pairing("consented", (Side("close", "anton"), Side("plan", "anja"))),
    "close-hold": Pairing("planned", (Side("close", "anton"), Side("hold", "anja"))),
    "close-follow_up": Pairing("following_up", (Side("close", "anton"), Side("follow_up", "anja"))),
    "withdraw-plan": Pairing("consented", (Side("withdraw", "anton"), Side("plan", "anja"))),
    "reopen-close": Pairing("closed", (Side("reopen", "anja"), Side("close", "anton"))),
    # Only the task's owner may do a step, so "both plan" is Anja in two browsers, or both
    # coordinators taking the queued task ("Take it and do it now") and planning.
    "plan-plan": Pairing("consented", (Side("plan", "anja"), Side("plan", "anja", 2))),
    "take-take": Pairing("queued", (Side("take", "anja"), Side("take", "anton"))),
    # more pairs of the tests' (tests/test_collisions.py), not run unless named
    "close-close": Pairing("consented", (Side("close", "anja"), Side("close", "anton"))),
    "withdraw-hold": Pairing("planned", (Side("withdraw", "anton"), Side("hold", "anja"))),
    "hold-hold": Pairing("planned", (Side("hold", "anja"), Side("hold", "anja", 2))),
    "reopen-reopen": Pairing("closed", (Side("reopen", "anja"), Side("reopen", "anton"))),
}
DEFAULT_PAIRINGS = [
    "close-plan",
    "close-hold",
    "close-follow_up",
    "withdraw-plan",
    "reopen-close",
    "plan-plan",
    "take-take",
]


# --- the database, the people, the cases ------------------------------------------------------


def prepare(args):
    """Create (``--fresh``: drop first) and migrate the script's own database; Django on it."""
    if args.database == SEEDED:
        sys.exit(f"Refusing to use {SEEDED!r}: it is bench/notifications.py's seeded database.")
    django_url, _pg, admin_url = database.bench_urls(args.database)
    database.ensure_database(admin_url, args.database, reseed=args.fresh)
    os.environ["SECRET_KEY"] = SECRET
    os.environ["MEDIA_ROOT"] = args.media
    database.setup_django(django_url)
    from django.core.management import call_command

    import project.urls  # noqa: F401  (mounts the flow, so its URLs reverse)

    call_command("migrate", verbosity=0)
    patch_dispatch()  # the e-mails stay in the outbox; no Celery
    return django_url


@dataclass
class Org:
    school: object
    social: object
    referrer: object
    anja: object
    anton: object


def organisation():
    """Kollisionskommun: a school, social services, a school user who refers, and two
    coordinators (created once, reused by later runs)."""
    from django.contrib.auth.models import Group, User

    from sspf_flow.models import Agency, AgencyKind, Membership, Municipality, Role

    town, _ = Municipality.objects.get_or_create(name="Kollisionskommun", defaults={"code": "8888"})

    def agency(name, kind):
        return Agency.objects.get_or_create(municipality=town, name=name, kind=kind)[0]

    school = agency("Kollisionsskolan", AgencyKind.SCHOOL)
    social = agency("Socialtjänsten i Kollisionskommun", AgencyKind.SOCIAL_SERVICES)

    def person(username, first_name, role, where):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": "Bänk"}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
            Membership.objects.create(user=user, agency=where)
        return user

    return Org(
        school=school,
        social=social,
        referrer=person("kollision_skola", "Sara", Role.SCHOOL, school),
        anja=person("kollision_anja", "Anja", Role.COORDINATOR, social),
        anton=person("kollision_anton", "Anton", Role.COORDINATOR, social),
    )


class Cases:
    """A fresh case in the state a pairing meets, through the services and the flow's tasks
    (as tests/builders.py builds them); Anja accepts it, so its tasks are hers."""

    def __init__(self, org):
        self.org = org

    def referred(self):
        from casework.workflow.flows import CaseFlow
        from sspf_flow import services
        from sspf_flow.models import Guardian, Youth

        today = dt.date.today()
        born = dt.date(today.year - 14, today.month, min(today.day, 28)) - dt.timedelta(days=30)
        case = services.refer_case(
            self.org.referrer,
            Youth(first_name="Lou", last_name="Exempel", gender="annat", birth_date=born),
            [Guardian(name="Vårdnadshavare Ett"), Guardian(name="Vårdnadshavare Två")],
            programme="sspf",
            referral_source="skola",
            concerns=["school_absence"],
            concern_text="Ökad frånvaro.",
        )
        CaseFlow.start_from_code.run(case=case)
        return case

    def consented(self):
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from casework.workflow import steps
        from sspf_flow import services
        from sspf_flow.assessments import RBM

        anja, case = self.org.anja, self.referred()
        judged = RBM("medium", "moderate", "good")
        steps.complete(case, "assess", anja, lambda: services.accept_referral(case, anja, judged))
        today = timezone.localdate()

        def consent():
            return services.register_consent(
                case,
                anja,
                method="written",
                purpose="Samverkan i SSPF.",
                valid_from=today,
                valid_to=today + dt.timedelta(days=180),
                agencies=[self.org.school, self.org.social],
                categories=["school", "social_services", "police", "leisure", "health"],
                signed_form=ContentFile(b"%PDF-1.4\n% signerad (bench)\n", name="samtycke.pdf"),
                signers=[("guardian", g) for g in case.youth.guardians.all()],
                youth_view="Lou tycker att det är okej.",
            )

        steps.complete(case, "obtain_consent", anja, consent)
        return case

    def planned(self):
        from django.utils import timezone

        from casework.workflow import steps
        from sspf_flow import services

        anja, case = self.org.anja, self.consented()
        steps.complete(
            case,
            "plan_meeting",
            anja,
            lambda: services.plan_meeting(
                case,
                anja,
                kind="network",
                starts_at=timezone.now() + dt.timedelta(days=1),
                place="Skolan",
                agencies=[self.org.school, self.org.social],
            ),
        )
        return case

    def following_up(self):
        """Its meeting held with the follow-up in three days: the timer is due at once (it
        opens the task a week before), and firing it opens the follow-up."""
        from django.utils import timezone
        from viewflow.workflow.timers import fire_due_timers

        from casework.workflow import steps
        from sspf_flow import services
        from sspf_flow.models import MeetingStatus

        anja, case = self.org.anja, self.planned()
        meeting = case.meetings.get(status=MeetingStatus.PLANNED)
        today = timezone.localdate()
        scope = [self.org.school, self.org.social]
        steps.complete(
            case,
            "hold_meeting",
            anja,
            lambda: services.hold_meeting(
                case,
                anja,
                meeting,
                attended_agencies=scope,
                youth_attended=True,
                guardians_attended=True,
                protocol="Protokoll.",
                goals=[{"text": "Närvaro"}],
                actions=[
                    {
                        "text": "Stöd",
                        "party": "agency",
                        "agency": scope[0],
                        "due_date": today + dt.timedelta(days=30),
                        "goal": 0,
                    }
                ],
                next_follow_up=today + dt.timedelta(days=3),
            ),
        )
        fire_due_timers()
        if steps.open_task(case, "follow_up") is None:
            raise RuntimeError(f"{case.number}: the follow-up did not open")
        return case

    def closed(self):
        from casework.workflow import steps

        case = self.consented()
        steps.close(case, self.org.anja, "moved")
        return case

    def queued(self):
        """Consented, its plan-meeting task given back to the queue (nobody's)."""
        from django.db import transaction

        from casework.workflow import steps

        case = self.consented()
        task = steps.open_task(case, "plan_meeting")
        with transaction.atomic(), task.activation() as activation:
            activation.unassign()
        return case


# --- what the browsers send -------------------------------------------------------------------


def task_url(case, node, view="execute"):
    from casework.workflow import steps

    task = steps.open_task(case, node)
    return task.flow_task.reverse(view, args=[task.process_id, task.pk])


def plan_data(org):
    from django.utils import timezone

    starts = timezone.localtime() + dt.timedelta(days=7)
    return {
        "kind": "network",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "place": "Centralskolan, rum 12",
        "agencies": [org.school.pk, org.social.pk],
        "invite_youth": "on",
        "invite_guardians": "on",
    }


def hold_data(org):
    today = dt.date.today()
    return {
        "attended_agencies": [org.school.pk, org.social.pk],
        "youth_attended": "on",
        "guardians_attended": "on",
        "protocol": "Alla berättade om sin bild av Lou.",
        "next_follow_up": str(today + dt.timedelta(days=42)),
        "goal-TOTAL_FORMS": "1",
        "goal-INITIAL_FORMS": "0",
        "goal-0-text": "Lou är i skolan minst 90 % av tiden.",
        "goal-0-measure": "Närvaro",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-text": "Extra stöd för att öka närvaron.",
        "action-0-party": "agency",
        "action-0-agency": org.school.pk,
        "action-0-due_date": str(today + dt.timedelta(days=30)),
        "action-0-goal": "1",
        # the default protocol template's required questions (forms/defaults)
        "tpl-bild_ungdom": "Lou vill klara skolan.",
        "tpl-riskfaktorer": "Frånvaro.",
        "tpl-skyddsfaktorer": "Fotbollen.",
    }


def follow_up_data(case):
    plan = case.current_plan()
    data = {
        "notes": "Närvaron har ökat.",
        "decision": "continue",
        "next_follow_up": str(dt.date.today() + dt.timedelta(days=30)),
        "closure_reason": "",
        "closure_text": "",
        # the default follow-up template's required questions
        "tpl-ungdomens_syn": "Lou tycker att det går bra.",
        "tpl-samtycke_fortsatt": "yes",
    }
    for action in plan.actions.all():
        data[f"action_{action.pk}_status"] = "ongoing"
        data[f"action_{action.pk}_comment"] = "Pågår."
    for goal in plan.goals.all():
        data[f"goal_{goal.pk}"] = "ongoing"
    return data


@dataclass
class Request:
    """The form page a side is on, and what it sends: ``posts`` in order, each (url, data); the
    next only when the one before redirected (taking a task, then doing it)."""

    page: str
    posts: list


def request_for(step, case, org):
    number = case.number
    if step == "close":
        url = f"/sspf/{number}/close/"
        return Request(url, [(url, {"closure_reason": "moved", "closure_text": ""})])
    if step == "reopen":
        url = f"/sspf/{number}/reopen/"
        return Request(url, [(url, {"reason": "Ny oro från skolan."})])
    if step == "withdraw":
        consent = case.consents.get(withdrawn_at__isnull=True)
        url = f"/sspf/{number}/consent/{consent.pk}/withdraw/"
        return Request(url, [(url, {"agency": "", "reason": "Vårdnadshavarna återtog det."})])
    if step == "plan":
        url = task_url(case, "plan_meeting")
        return Request(url, [(url, plan_data(org))])
    if step == "take":
        assign = task_url(case, "plan_meeting", "assign")
        execute = task_url(case, "plan_meeting")
        return Request(assign, [(assign, {"_continue": "1"}), (execute, plan_data(org))])
    if step == "hold":
        url = task_url(case, "hold_meeting")
        return Request(url, [(url, hold_data(org))])
    if step == "follow_up":
        url = task_url(case, "follow_up")
        return Request(url, [(url, follow_up_data(case))])
    raise ValueError(step)


# --- the two browsers ---------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass
class Answer:
    status: int = 0
    location: str = ""
    body: str = ""
    after: str = ""  # the page a redirect led to
    bodies: list = field(default_factory=list)  # every body this side was sent
    ms: float = 0.0
    error: str = ""


def browser(base, session_key):
    import requests
    from django.conf import settings

    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
    http.base = base
    return http


def open_form(http, request):
    page = http.get(http.base + request.page, allow_redirects=False, timeout=TIMEOUT)
    found = TOKEN.search(page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(
            f"GET {request.page}: {page.status_code} {page.headers.get('Location', '')}, no form"
            f"\n{page.text[:800]}"
        )
    return found.group(1)


def send(http, request, token, barrier, answer):
    barrier.wait()
    started = time.perf_counter()
    try:
        for url, data in request.posts:
            response = http.post(
                http.base + url,
                data={**data, "csrfmiddlewaretoken": token},
                headers={"Referer": http.base + request.page},
                allow_redirects=False,
                timeout=TIMEOUT,
            )
            answer.bodies.append(response.text)
            if response.status_code not in REDIRECTS:
                break
        answer.ms = (time.perf_counter() - started) * 1000
        answer.status, answer.body = response.status_code, response.text
        answer.location = urlsplit(response.headers.get("Location", "")).path
    except Exception as exc:  # counted as "other", with its text
        answer.error = repr(exc)


def follow(http, answer, case_page):
    """The page a redirect other than to the case page (done) leads to, with its messages (a
    refusal the middleware turned into a message is read there)."""
    if answer.status in REDIRECTS and answer.location and answer.location != case_page:
        page = http.get(http.base + answer.location, allow_redirects=False, timeout=TIMEOUT)
        answer.after = page.text
        answer.bodies.append(page.text)


def outcome(answer, case_page):
    if answer.error or not answer.status:
        return "other"
    if answer.status >= 500:
        return "500"
    if answer.status in REDIRECTS:
        if answer.location == case_page:
            return "won"
        if answer.location.startswith("/accounts/login"):
            return "other"
        return "conflict" if CONFLICT in answer.after else "refused"
    if answer.status == 200:
        return "conflict" if CONFLICT in answer.body else "refused"
    if 400 <= answer.status < 500:
        return "4xx"
    return "other"


def raw_texts(answer):
    return sorted({raw for body in answer.bodies for raw in RAW if raw in body})


def said(answer):
    """What the page told the user: the refusal box's reasons, else its title."""
    page = answer.after or answer.body
    box = re.search(r'data-testid="refusal".*?</div>', page, re.S)
    if box:
        items = re.findall(r"<li>(.*?)</li>", box.group(0), re.S)
        return " | ".join(re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in items)
    for phrase in (CONFLICT, NOT_NOW):
        at = page.find(phrase)
        if at >= 0:
            return re.sub(r"<[^>]+>|\s+", " ", page[at : at + 160]).strip()
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    text = title.group(1) if title else page[:200]
    return re.sub(r"<[^>]+>|\s+", " ", text).strip() or answer.error


# --- what the database holds afterwards ---------------------------------------------------------

OPEN_NODES = {
    "referred": {"assess"},
    "awaiting_consent": {"obtain_consent"},
    "consented": {"plan_meeting"},
    "meeting_planned": {"hold_meeting"},
    "in_progress": {"wait_for_follow_up", "follow_up"},
    "closed": set(),
}


def flow_agrees(case):
    """The flow and the case tell the same story: a closed case has no running process and
    no open task; an open one has one running process whose one open task fits its status."""
    from viewflow.workflow.status import PROCESS, STATUS

    from sspf_flow.models import CaseTask
    from sspf_flow.models.process import processes_of

    case.refresh_from_db()
    processes = processes_of(case)
    running = processes.exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]).count()
    tasks = CaseTask.objects.filter(process__in=processes).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]
    )
    nodes = [task.flow_task.name for task in tasks]
    if case.status == "closed":
        return running == 0 and not nodes
    return running == 1 and len(nodes) == 1 and nodes[0] in OPEN_NODES[case.status]


def last_event():
    from sspf_flow.models import CaseEvent

    return CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def written(case, since):
    from sspf_flow.models import CaseEvent

    return list(
        CaseEvent.objects.filter(case=case, pk__gt=since)
        .order_by("pk")
        .values_list("action", "actor_id")
    )


# --- one round, one pairing ---------------------------------------------------------------------


@dataclass
class Tally:
    sides: list  # per side: Counter of outcomes
    raw: list  # per side: rounds with a raw text
    ms: list  # per side: milliseconds of the POSTs
    rounds: int = 0
    changes: Counter = field(default_factory=Counter)  # "one", "both a→b", "both b→a", "none"
    mismatch: int = 0  # the answers and the database disagree
    flow_off: int = 0  # the flow and the case disagree
    seconds: float = 0.0
    examples: dict = field(default_factory=lambda: defaultdict(list))
    odd: list = field(default_factory=list)  # rounds whose database or flow disagreed


def race(base, sessions, org, cases, pairing, tally):
    from sspf_flow import requestcache

    with requestcache.scope():  # as in a request: each user's roles and agency asked once
        case = getattr(cases, pairing.state)()
    if not flow_agrees(case):
        raise RuntimeError(f"{case.number}: built in state {case.status}, flow disagrees")
    requests_ = [request_for(side.step, case, org) for side in pairing.sides]
    https = [browser(base, sessions[(side.who, side.browser)]) for side in pairing.sides]
    tokens = [open_form(http, request) for http, request in zip(https, requests_, strict=True)]
    mark = last_event()
    barrier = threading.Barrier(2)
    answers = [Answer(), Answer()]
    threads = [
        threading.Thread(target=send, args=(https[i], requests_[i], tokens[i], barrier, answers[i]))
        for i in (0, 1)
    ]
    for thread in random.sample(threads, 2):  # neither side always started first
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)
    case_page = case.get_absolute_url()
    for http, answer in zip(https, answers, strict=True):
        follow(http, answer, case_page)
    got = [outcome(answer, case_page) for answer in answers]
    events = written(case, mark)
    users = {"anja": org.anja.pk, "anton": org.anton.pk}
    tally.rounds += 1
    for i, answer in enumerate(answers):
        tally.sides[i][got[i]] += 1
        raws = raw_texts(answer)
        if raws:
            tally.raw[i] += 1
        if answer.ms:
            tally.ms[i].append(answer.ms)
        if got[i] not in ("won", "conflict") or raws:
            key = (i, got[i], answer.status, said(answer)[:200], tuple(raws))
            tally.examples[key].append(case.number)

    # which change was written: each side's events, told apart by who wrote them (a user in
    # two browsers: counted together)
    steps_ = [side.step for side in pairing.sides]
    same = pairing.sides[0].who == pairing.sides[1].who and steps_[0] == steps_[1]
    if same:
        done = sum(1 for action, _actor in events if action in EFFECTS[steps_[0]])
        off = done != got.count("won")
        tally.changes["one" if done == 1 else "none" if done == 0 else "both"] += 1
    else:
        firsts, off = [], False
        for side, result in zip(pairing.sides, got, strict=True):
            mine = [
                n
                for n, (action, actor) in enumerate(events)
                if action in EFFECTS[side.step] and actor == users[side.who]
            ]
            off = off or (len(mine) == 1) != (result == "won") or len(mine) > 1
            firsts.append(mine[0] if mine else None)
        if None not in firsts:
            order = "a→b" if firsts[0] < firsts[1] else "b→a"
            tally.changes[f"both, {order}"] += 1
        else:
            tally.changes["one" if firsts != [None, None] else "none"] += 1
    flow_off = not flow_agrees(case)
    tally.mismatch += off
    tally.flow_off += flow_off
    if off or flow_off:
        tally.odd.append(f"{case.number} ({', '.join(got)}; events {[a for a, _ in events]})")


def run_pairing(base, sessions, org, cases, pairing, rounds):
    tally = Tally(sides=[Counter(), Counter()], raw=[0, 0], ms=[[], []])
    started = time.perf_counter()
    for _ in range(rounds):
        race(base, sessions, org, cases, pairing, tally)
    tally.seconds = time.perf_counter() - started
    return tally


# --- the server ---------------------------------------------------------------------------------


def serve(django_url, port, args, log):
    env = {
        **os.environ,
        "DATABASE_URL": django_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",  # Django's 500s with their tracebacks; 403/404 as one line
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": args.media,
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "project.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import requests

    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
            return server
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


# --- the report ---------------------------------------------------------------------------------


def side_label(side):
    name = {"anja": "Anja (owns the tasks)", "anton": "Anton"}[side.who]
    tab = f", browser {side.browser}" if side.browser > 1 else ""
    return f"{STEP_NAMES[side.step]}: {name}{tab}"


def report(results, args, seconds, loads, log_path, log_text):
    out = [
        f"\n## Collisions over HTTP: {args.rounds} rounds per pairing\n",
        f"gunicorn `--workers {args.workers} --threads {args.threads}`, database "
        f"`{args.database}`, {os.cpu_count()} cores; total {seconds:.0f} s; load average "
        f"before {loads[0]}, after {loads[1]}.\n",
        "| pairing | side | "
        + " | ".join(HEADINGS[o] for o in OUTCOMES)
        + " | raw text | p50 ms | max ms |",
        "|---|---|" + "---:|" * (len(OUTCOMES) + 3),
    ]
    for key, (pairing, tally) in results.items():
        for i, side in enumerate(pairing.sides):
            ms = tally.ms[i]
            timing = f"{statistics.median(ms):.0f} | {max(ms):.0f}" if ms else "– | –"
            counts = " | ".join(str(tally.sides[i][o]) for o in OUTCOMES)
            out.append(f"| {key} | {side_label(side)} | {counts} | {tally.raw[i]} | {timing} |")
    out += [
        "\nWhat was written (the case's events after the race), per round:\n",
        "| pairing | start state | rounds | exactly one change | both, first side first | "
        "both, second side first | both (one user) | none | answers ≠ database | "
        "flow ≠ case | seconds |",
        "|---|---|" + "---:|" * 9,
    ]
    for key, (pairing, tally) in results.items():
        c = tally.changes
        out.append(
            f"| {key} | {pairing.state} | {tally.rounds} | {c['one']} | {c['both, a→b']} | "
            f"{c['both, b→a']} | {c['both']} | {c['none']} | {tally.mismatch} | "
            f"{tally.flow_off} | {tally.seconds:.0f} |"
        )
    notes = []
    for key, (pairing, tally) in results.items():
        for (i, got, status, text, raws), numbers in sorted(tally.examples.items()):
            raw = f"; raw text: {', '.join(raws)}" if raws else ""
            notes.append(
                f"- {key}, {side_label(pairing.sides[i])}: {HEADINGS[got]} ×{len(numbers)} "
                f"(HTTP {status}{raw}): “{text}” (e.g. {numbers[0]})"
            )
        notes += [f"- {key}: answers ≠ database or flow ≠ case in {odd}" for odd in tally.odd]
    if notes:
        heading = "Answers other than won or the conflict message, raw texts, disagreements:"
        out += [f"\n{heading}\n", *notes]
    errors = server_errors(log_text)
    total = sum(len(entries) for entries in errors.values())
    out.append(f"\ngunicorn's log ({log_path}): {total} errors logged.")
    for last, entries in errors.items():
        out += ["", f"{len(entries)} × `{last}`; the first:", "```", entries[0], "```"]
    return "\n".join(out)


def server_errors(log_text):
    """The ERROR entries of the server's log (each with its traceback), grouped by their last
    line (the exception)."""
    entries, grouped = [], defaultdict(list)
    for line in log_text.splitlines():
        if re.match(r"\d{4}-\d\d-\d\d |\[\d{4}-", line) or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    for entry in entries:
        if " ERROR " in entry[0] or "[ERROR]" in entry[0]:
            grouped[entry[-1].strip()].append("\n".join(entry))
    return grouped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument(
        "--pairings",
        default=",".join(DEFAULT_PAIRINGS),
        help=f"comma-separated, of: {', '.join(PAIRINGS)}",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop the database and start over")
    args = parser.parse_args()
    keys = [key.strip() for key in args.pairings.split(",") if key.strip()]
    unknown = [key for key in keys if key not in PAIRINGS]
    if unknown:
        sys.exit(f"Unknown pairing(s) {unknown}; known: {', '.join(PAIRINGS)}")

    work = Path(tempfile.mkdtemp(prefix="sspf-collisions-"))
    args.media = str(work / "media")
    django_url = prepare(args)
    org = organisation()
    cases = Cases(org)
    sessions = {
        ("anja", 1): session_for(org.anja),
        ("anja", 2): session_for(org.anja),
        ("anton", 1): session_for(org.anton),
    }
    log_path = work / "gunicorn.log"
    port = free_port()
    loads = [", ".join(f"{x:.2f}" for x in os.getloadavg())]
    started = time.perf_counter()
    with open(log_path, "w") as log:
        server = serve(django_url, port, args, log)
        try:
            results = {}
            for key in keys:
                print(f"{key}: {args.rounds} rounds …", file=sys.stderr, flush=True)
                tally = run_pairing(
                    f"http://127.0.0.1:{port}", sessions, org, cases, PAIRINGS[key], args.rounds
                )
                results[key] = (PAIRINGS[key], tally)
        finally:
            server.terminate()
            server.wait(timeout=30)
    seconds = time.perf_counter() - started
    loads.append(", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(report(results, args, seconds, loads, log_path, log_path.read_text()))


if __name__ == "__main__":
    main()
