"""The URL configuration as the authorization tests see it: every URL pattern from the resolver,
the decisions about the ones that name no case (who may see them and why), a case that has
travelled through every node of the flow, and how to fill a pattern in for a real case.

Shared by the status-code matrix (``test_access_matrix``), the content-aware leak test
(``test_leaks``) and the all-Swedish test (``test_swedish``): a new URL pattern needs a decision
here, or they fail by its name."""

import datetime as dt
import re
from dataclasses import dataclass

import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from viewflow.workflow.status import STATUS

from casework.workflow.flows import CaseFlow
from casework.workflow.steps import open_task
from sspf_flow.models import Case, CaseTask, Status
from sspf_flow.models.process import processes_of
from tests.builders import (
    OUTCOMES_POST,
    RBM_POST,
    consent_post,
    hold_meeting_post,
    referral_post,
    template_answers,
)

# Pages that belong to no case, so there is nothing to fill in. Each is still requested by
# every role (login for anonymous, no leak for outsiders, no 500 for anyone). Add a page here
# only after checking that it lists nothing an outsider may not see.
CASE_FREE = {
    "": "home: redirects each role to its own work (casework.pages.home.landing_url)",
    "case/": "the flow's start page: redirects to the inbox",
    "case/inbox/": "the user's tasks, narrowed by access.tasks_visible_to",
    "case/queue/": "unassigned tasks the user may take, narrowed by access.tasks_visible_to",
    "case/archive/": "finished tasks, narrowed by access.tasks_visible_to",
    "case/chart/": "the flow chart: the same picture for everyone, no case in it",
    "case/start/": "the referral form: a new case, none shown",
    "i18n/setlang/": "Django's language switch (POST); public, it serves the login page too",
    "sspf/": "redirects to the case list",
    "sspf/new/": "redirects to the referral form",
    "sspf/list/": "the case list, access.cases_visible_to",
    "sspf/dashboard/": "overdue and due items of access.cases_visible_to, by case number",
    "sspf/notifications/": "the user's own notification choices; no case",
    "sspf/referrals/": "what the user referred: number and status only",
    "sspf/handover/": "coordinators hand over a coordinator's open cases: names coordinators only",
    "sspf/consultations/": "anonymous consultations (no personal data), coordinators only",
    "sspf/consultations/new/": "the form for an anonymous consultation, coordinators only",
}

# The access log's pages: for the administrator and a coordinators' manager (not a matrix
# role) only. They name cases by number (who accessed which case) but never the young person.
REVIEW = {
    "log/": "the access log, access.log_visible_to",
    "log/export/": "the access log as CSV (streamed; its content is tested in test_access_log)",
    "log/youth/": "who accessed one young person's data, access.log_visible_to",
    "log/roles/": "who gave or took which role (no case), access.role_changes_visible_to",
}
CASE_FREE.update(REVIEW)

# The form template editor: the administrator's (the process owner's) only. Its pages show
# templates, never a case.
FORM_EDITOR = {
    "forms/": "the list of form templates, access.form_templates_visible_to",
    "forms/import/": "importing a template file as a new draft",
}
CASE_FREE.update(FORM_EDITOR)
# Editor pages about one template or version (filled in with the municipality's protocol
# template); the ones that change something answer GET with 405.
FORM_EDITOR_PAGES = {"template", "edit", "preview", "pdf", "export", "publish", "retire", "copy"}

# The operative group (issue 13): for its members and the coordinators of its municipality.
# Its pages name no case except the agenda (AGENDA_PAGES); they are filled in with the
# municipality's group (``operative_fixture``: social services' Sven chairs, so the
# "consented" role is its chair).
OPERATIVE = {"operative/": "the user's operative groups, access.groups_visible_to"}
CASE_FREE.update(OPERATIVE)

# SIG (issue 13, 6): the police's priority list and the cohort with a coach. Its pages name a
# young person of their own (not the matrix case's), for the group's police and social
# services members and the person's coach (access.works_programmes, access.coaches).
SIG_FREE = {"operative/sig/coached/": "the people the user coaches, access.coached_by"}
CASE_FREE.update(SIG_FREE)

# A role's own landing page that names no case: only that role (by its group name) opens it.
ROLE_PAGES = {
    "administration/": "admin",  # counts of users, agencies and unsent e-mail; links
    # gallring: the rules, what they would remove today and each run, as counts: no case
    "administration/gallring/": "admin",
}
CASE_FREE.update({route: f"the landing page of {role}" for route, role in ROLE_PAGES.items()})

# The steering report and its exports (issue 14): de-identified figures of the user's own
# municipality, for the steering group and the coordinators (a foreign coordinator reads their
# own municipality's); nobody else.
STATISTICS = {
    "steering/": "the steering report, access.statistics_municipality",
    "steering/report.csv": "the report as CSV",
    "steering/report.xlsx": "the report as XLSX",
    "steering/report.pdf": "the report as PDF",
}
STATISTICS_ROLES = {"styrgrupp", "coordinator", "foreign"}
CASE_FREE.update(STATISTICS)
# The register extract (GDPR art. 15, issue 14 item 7): a coordinator of the young person's
# municipality only; anyone else 403, another municipality's coordinator 404 for a request of
# this one. Its request pages are filled in with a request about the matrix case's young person
# (``register_values``).
REGISTER_PAGES = {"register", "register_request", "register_pdf"}
CASE_FREE["register/"] = "the coordinator's register-extract requests, register_requests_visible_to"

# The signed-in user's own login (issue 15): where they are signed in (ending the others),
# how long the login has left, keeping it alive. Every role opens its own, none names a case;
# the keepalive answers only POST (405 to a GET, also a visitor's).
OWN_SESSION = {
    "sign-ins/": "the user's own sign-ins: when, from where, which browser; no case",
    "session/status/": "seconds left of the user's own login (JSON)",
    "session/keepalive/": "keeps the user's own login alive (POST only)",
}
CASE_FREE.update(OWN_SESSION)

# Case-free pages that anonymous visitors may use without logging in.
PUBLIC = {"i18n/setlang/"}

# Views that change something (asked for with GET they show at most a confirmation form).
ACTIONS = {
    "execute",
    "assign",
    "unassign",
    "case_close",
    "case_reopen",
    "consent_withdraw",
    "journal_new",
    "consent_new",
    "meeting_change",
    "case_checklist",
    "action_update",  # the responsible agency's, and the matrix case's action is the school's
    "case_coordinator",
    "step_give",
    "hold_place",  # the coordinator's legal hold (stops gallring)
    "hold_lift",
    "meeting_picture",  # an invited agency's picture before a meeting (AGENCY_FORMS)
    "social_intervention",  # the coordinator's and social services' (SOCIAL_SERVICES_FORMS)
}
# Forms of the agencies themselves, not the coordinator's: the staff of an agency the meeting
# invites and a consent covers open them (the matrix case's planned meeting invites the fully
# consented agency, not the one covered for another category); the coordinator gets 403.
AGENCY_FORMS = {"meeting_picture"}
# Recording the needs-assessed intervention (biståndsbedömd insats): the coordinator, and a
# social-services member a consent covers with social services' category (the matrix's
# "consented" Sven); another covered agency gets 403 (access.records_social_intervention).
SOCIAL_SERVICES_FORMS = {"social_intervention"}
# Documents with the family's names and signatures, and what the coordinator hands the family:
# the case's coordinator only.
COORDINATOR_DOWNLOADS = {
    "consent_signed_form",
    "consent_pdf",
    "consent_form_pdf",
    "case_information_pdf",
    "submission_pdf",
}


# --- the URL configuration -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "case/<int:process_pk>/assess/<int:task_pk>/execute/"
    namespace: str  # e.g. "case:assess"
    name: str  # e.g. "execute"
    is_regex: bool

    @property
    def kwargs(self):
        return re.findall(r"<(?:[^>:]+:)?([^>]+)>", self.route)

    @property
    def node(self):
        """The flow node a task URL belongs to ("assess" in "case:assess")."""
        return self.namespace.rsplit(":", 1)[-1] if "task_pk" in self.kwargs else None


def _skipped(route):
    static = settings.STATIC_URL.lstrip("/")
    return route.startswith(("admin/", "accounts/", "^admin/", "^accounts/")) or (
        static and route.lstrip("^").startswith(static)
    )


def walk(resolver=None, prefix="", namespace=""):
    """Every URL pattern under ``resolver``, with the full route and namespace."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            is_regex = not hasattr(entry.pattern, "_route")
            yield Route(route, namespace, entry.name or "", is_regex)


def collected_routes():
    routes, seen = [], {}
    for route in walk():
        if _skipped(route.route):
            continue
        seen[route.route] = seen.get(route.route, 0) + 1
        suffix = f"#{seen[route.route]}" if seen[route.route] > 1 else ""
        routes.append((route, f"/{route.route}{suffix}"))
    return routes


ROUTES = collected_routes()


def get_and_roll_back(client, url, **extra):
    """GET ``url`` as ``client``'s user; nothing the request writes (access-log rows, a task
    taken) survives, so every page is asked for in the same state."""
    with transaction.atomic():
        response = client.get(url, **extra)
        transaction.set_rollback(True)
    return response


# --- a case that has been far ----------------------------------------------------------------


def task_url(task, view):
    return task.flow_task.reverse(view, args=[task.process_id, task.pk])


def fire_due_timers():
    """Fire the flow's timers as the beat would, moving the clock to each one's moment."""
    from viewflow.workflow.timers import fire_due_timers as fire

    waiting = CaseTask.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
    for task in waiting.order_by("scheduled"):
        if task.scheduled and task.scheduled > timezone.now():
            with time_machine.travel(task.scheduled + dt.timedelta(seconds=1), tick=False):
                fire()
    fire()


def do_task(client, case, node, data):
    """Take the case's open task at ``node`` (if nobody has) and submit it as the client's user."""
    task = open_task(case, node)
    assert task is not None, f"{case.number}: no open {node} task"
    if task.owner_id is None:
        response = client.post(task_url(task, "assign"))
        assert response.status_code == 302, f"assign {node}: {response.status_code}"
    response = client.post(task_url(task, "execute"), data)
    assert response.status_code == 302, f"{node}: {response.content.decode()[:3000]}"
    fire_due_timers()
    case.refresh_from_db()


def plan_post(scope):
    starts = timezone.localtime() + dt.timedelta(days=7)
    return {
        "kind": "network",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "place": "Centralskolan, rum 12",
        "agencies": scope,
        "invite_youth": "on",
        "invite_guardians": "on",
    }


def hold_post(scope, agency):
    # close enough that the follow-up opens at once
    return hold_meeting_post(scope, agency, follow_up_days=1)


def follow_up_close_post(case):
    plan = case.plans.order_by("-version").first()
    data = {
        "notes": "Närvaron är nu 93 %.",
        "decision": "close",
        "closure_reason": "goals_met",
        **RBM_POST,
        **OUTCOMES_POST,
        **template_answers("follow_up"),
    }
    for action in plan.actions.all():
        data[f"action_{action.pk}_status"] = "done"
        data[f"action_{action.pk}_comment"] = "Fungerade."
    for goal in plan.goals.all():
        data[f"goal_{goal.pk}"] = "met"
    return data


def travel_to_closure(users, agencies, referral=None, meeting=None, follow_up=None, picture=None):
    """A case referred by the school through the web form, accepted, consented for the four
    agencies, its meeting planned and held, followed up and closed ("goals met"), each step as
    its page's POST. ``referral`` is the referral form's POST (``referral_post()`` if None);
    ``meeting`` and ``follow_up`` change the hold-meeting and follow-up steps' POSTs;
    ``picture``, the leisure agency's picture before the meeting (its page's POST), if any."""
    scope = [agencies[k].pk for k in ("skola", "socialtjanst", "polis", "fritid")]
    school, coordinator = Client(), Client()
    school.force_login(users["skola"])
    coordinator.force_login(users["samordnare"])

    response = school.post(CaseFlow.start.reverse("execute"), referral or referral_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.order_by("-pk").first()

    do_task(coordinator, case, "assess", {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    do_task(coordinator, case, "obtain_consent", consent_post(case, scope))
    do_task(coordinator, case, "plan_meeting", plan_post(scope))
    if picture:
        leisure = Client()
        leisure.force_login(users["fritid"])
        planned = case.meetings.get(status="planned")
        response = leisure.post(f"/sspf/{case.number}/meetings/{planned.pk}/picture/", picture)
        assert response.status_code == 302, response.content.decode()[:3000]
    held = {**hold_post(scope, agencies["skola"]), **(meeting or {})}
    do_task(coordinator, case, "hold_meeting", held)
    do_task(coordinator, case, "follow_up", {**follow_up_close_post(case), **(follow_up or {})})
    assert case.status == Status.CLOSED, case.status
    return case


def build_case(users, agencies, **posts):
    """Case A: every step once, closed, reopened, consent withdrawn and given again, and on its
    way again (meeting planned). ``posts`` go to ``travel_to_closure``."""
    scope = [agencies[k].pk for k in ("skola", "socialtjanst", "polis", "fritid")]
    coordinator = Client()
    coordinator.force_login(users["samordnare"])
    case = travel_to_closure(users, agencies, **posts)

    response = coordinator.post(f"/sspf/{case.number}/reopen/", {"reason": "Ny oro från skolan."})
    assert response.status_code == 302, response.content.decode()[:3000]
    do_task(
        coordinator,
        case,
        "assess",
        {**RBM_POST, **OUTCOMES_POST, "decision": "accept", "risk_level": "high"},
    )
    do_task(coordinator, case, "obtain_consent", consent_post(case, scope))
    # The guardians withdraw every consent, the one given before the closure too; a new
    # consent follows.
    for consent in case.consents.filter(withdrawn_at__isnull=True):
        response = coordinator.post(
            f"/sspf/{case.number}/consent/{consent.pk}/withdraw/",
            {"agency": "", "reason": "Vårdnadshavarna återtog samtycket."},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    do_task(coordinator, case, "obtain_consent", consent_post(case, scope))
    do_task(coordinator, case, "plan_meeting", plan_post(scope))
    assert case.status == Status.MEETING_PLANNED, case.status
    return case


def pick_task(case, node):
    """A task of ``node`` in one of the case's processes: an open one if any, else the latest."""
    tasks = CaseTask.objects.filter(
        process__in=processes_of(case), flow_task=getattr(CaseFlow, node)
    )
    return (
        tasks.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).order_by("-created").first()
        or tasks.order_by("-created").first()
    )


def fill(route, case):
    """The concrete URL of ``route`` for ``case``, or a reason why it cannot be filled."""
    if route.is_regex:
        return None, f"{route.route!r} is a regex pattern; the matrix cannot fill it"
    if not route.kwargs:
        if route.route in CASE_FREE:
            return "/" + route.route, None
        return None, (
            f"/{route.route} takes no case, but is not in CASE_FREE: decide who may see it and "
            "add it there (with a comment) or give it the case in its URL"
        )
    process = processes_of(case).order_by("-created").first()
    values = {"number": case.number, "process_pk": process.pk}
    if "task_pk" in route.kwargs:
        node = getattr(CaseFlow, route.node, None) if route.node else None
        if node is None:
            return None, f"/{route.route}: {route.namespace!r} names no node of CaseFlow"
        task = pick_task(case, route.node)
        if task is None:
            return None, (
                f"/{route.route}: case {case.number} has no task at node {route.node!r}; "
                "take the matrix case through that node in build_case()"
            )
        values.update(process_pk=task.process_id, task_pk=task.pk)
    if route.name in ("consent_withdraw", "consent_signed_form", "consent_pdf"):
        # the case's active consent (with its signed form, for the form's download)
        active = case.consents.filter(withdrawn_at__isnull=True).exclude(signed_form="")
        values["pk"] = active.latest("pk").pk
    if route.namespace == "forms" and route.name in FORM_EDITOR_PAGES:
        from forms.models import FormTemplate

        template = FormTemplate.objects.get(municipality=case.municipality, kind="protocol")
        values["pk"] = template.pk if route.name == "template" else template.published.pk
    if route.name == "submission_pdf":
        values["pk"] = case.form_submissions.latest("pk").pk
    if route.name == "meeting_change":
        values["pk"] = case.meetings.filter(status="planned").latest("pk").pk
    if route.name == "meeting_protocol":
        values["pk"] = case.meetings.filter(status="held").latest("pk").pk
    if route.name == "meeting_picture":  # the planned meeting (case B: its held one)
        values["pk"] = case.meetings.latest("pk").pk
    if route.name == "step_give":  # the open step the coordinator holds
        values["pk"] = pick_task(case, "hold_meeting").pk
    if route.name == "plan_version":
        values["version"] = case.plans.latest("version").version
    if route.name == "action_update":
        values["pk"] = case.plans.latest("version").actions.latest("pk").pk
    if route.namespace == "reporting" and route.name in REGISTER_PAGES:
        values["pk"] = register_values(case)
    if route.namespace == "operative":
        group = operative_values(case)
        meeting_page = route.name in OPERATIVE_MEETING_PAGES
        values.update(pk=group["meeting"] if meeting_page else group["pk"], token=group["token"])
        if route.name == "commitment":
            values["pk"] = group["commitment"]
        if route.name in TOP5_ENTRY_PAGES:
            values["pk"] = group["top5_entry"]
        if route.name == "top5_measure":
            values["pk"] = group["top5_measure"]
        if route.name in YOUNGSTERS_PAGES:
            values["pk"] = group[YOUNGSTERS_PAGES[route.name]]
        if route.name in SIG_PERSON_PAGES:
            values["pk"] = group["sig_entry"]
        if route.name == "sig_cohort_end":
            values["pk"] = group["sig_cohort"]
    unknown = [kwarg for kwarg in route.kwargs if kwarg not in values]
    if unknown:
        return None, f"/{route.route}: the matrix does not know how to fill {unknown}"
    url = re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), route.route)
    return "/" + url, None


def register_values(case):
    """A register-extract request about ``case``'s young person (made the first time), as its
    coordinator registers it: received by letter today."""
    from reporting.models import RegisterRequest

    request = RegisterRequest.objects.filter(youth=case.youth).first()
    if request is None:
        request = RegisterRequest.objects.create(
            youth=case.youth,
            received_on=timezone.localdate(),
            received_how="letter",
            registered_by=case.coordinator,
            registered_at=timezone.now(),
        )
    return request.pk


OPERATIVE_MEETING_PAGES = {
    "meeting",
    "move_meeting",
    "cancel_meeting",
    "hold_meeting",
    # the agenda (issue 13, 2): it names the cases the reader may read (AGENDA_PAGES)
    "agenda",
    "agenda_pdf",
    "area_picture",
    "group_item",
    "possible_referral",
    # joint commitments and the minutes (issue 13, 3): no case in them
    "commitment_new",
    "minutes_pdf",
}
# The agenda and its PDF list the municipality's cases at the individual level, each as the
# reader may read it (the coordinator every case, a member those a consent covers it for).
AGENDA_PAGES = {"agenda", "agenda_pdf"}
# Written by the group's members only (the coordinator, not a member, gets 403).
MEMBER_FORMS = {"area_picture", "group_item"}
# Recorded by the municipality's coordinator only (a member gets 403).
COORDINATOR_FORMS = {"possible_referral"}
# Top 5 (issue 13, 5): the list and its forms name persons, for the group's police and social
# services members only; the evaluation names no one and is also the coordinator's and the
# steering group's. Filled in with the group's own list (``operative_values``).
TOP5_PAGES = {
    "top5_list",
    "top5_selection",
    "top5_add",
    "top5_entry",
    "top5_end",
    "top5_measure_new",
    "top5_measure",
    "top5_evaluation",
    "top5_evaluation_pdf",
    "top5_evaluations",
}
TOP5_ENTRY_PAGES = {"top5_entry", "top5_end", "top5_measure_new"}
TOP5_EVALUATION = {"top5_evaluation", "top5_evaluation_pdf", "top5_evaluations"}
# The groups whose evaluation the user reads: no case, no person (where the steering group finds
# the evaluations).
CASE_FREE["operative/top5/evaluations/"] = "Top 5 evaluations, programme_evaluations_visible_to"


# --- SIG (issue 13, 6) ---
# SIG's group-level pages are filled in with the group, SIG_PERSON_PAGES with its one SIG
# person, the end of a cohort with its cohort.
SIG_PAGES = {
    "sig_list",
    "sig_add",
    "sig_cohort_new",
    "sig_coached",
    "sig_cohort_end",
    "sig_entry",
    "sig_offer",
    "sig_answer",
    "sig_take_in",
    "sig_status",
    "sig_close",
}
SIG_PERSON_PAGES = {
    "sig_entry",
    "sig_offer",
    "sig_answer",
    "sig_take_in",
    "sig_status",
    "sig_close",
}


def sig_values(group):
    """The group's SIG person and cohort (made the first time): a fictional young person of
    their own (never the matrix case's, whose reads are logged against the case) put on the
    priority list by Per of the police, taken into the cohort "Pilotomgång" coached by social
    services' Sven (the "consented" role), so that every SIG page has someone to show."""
    from operative import sig
    from operative.models import SigEntry
    from sspf_flow.models import Youth

    entry = SigEntry.objects.filter(group=group).first()
    if entry is None:
        per, sven = (group.members.get(user__username=name).user for name in ("per", "sven"))
        today = timezone.localdate()
        youth = Youth.objects.create(
            municipality=group.municipality,
            first_name="Hampus",
            last_name="Fjällström",
            birth_date=today - dt.timedelta(days=16 * 365),
            gender="pojke",
        )
        entry = sig.put_on_list(group, per, youth=youth, listed_on=today - dt.timedelta(days=9))
        sig.record_offer(entry, per, offered_on=today - dt.timedelta(days=8))
        sig.record_answer(entry, per, answer="accepted", answered_on=today - dt.timedelta(days=7))
        cohort = sig.make_cohort(
            group, per, name="Pilotomgång", started_on=today - dt.timedelta(days=7), coach=sven
        )
        day = today - dt.timedelta(days=6)
        sig.take_in(entry, per, cohort=cohort, consented_on=day, joined_on=day)
    return {"sig_entry": entry.pk, "sig_cohort": entry.cohort_id}


def operative_values(case):
    """The municipality's operative group (made the first time: Sven of social services
    chairs, Per of the police keeps the minutes, Sara of the school is a member; a series
    planned by the chair, a joint commitment of the school's made at its first meeting) for the
    operative pages: its pk, its next meeting's, its commitment's, and the feed token of its
    chair."""
    from django.contrib.auth import get_user_model

    from operative import services
    from operative.models import Commitment, GroupMember, OperativeGroup
    from operative.views import feed_path

    group = OperativeGroup.objects.filter(municipality=case.municipality).first()
    if group is None:
        group = OperativeGroup.objects.create(
            municipality=case.municipality, name="Operativa gruppen Centrum"
        )
        users = get_user_model().objects.in_bulk(["sven", "per", "sara"], field_name="username")
        for username, role in (("sven", "chair"), ("per", "secretary"), ("sara", "member")):
            GroupMember.objects.create(group=group, user=users[username], role=role)
        services.plan_series(
            group,
            users["sven"],
            first_day=timezone.localdate() + dt.timedelta(days=3),
            time=dt.time(9, 0),
            every_weeks=2,
            place="Stadshuset",
        )
        first = group.meetings.order_by("starts_at").first()
        Commitment.objects.create(  # as recorded at the meeting (written as it was)
            meeting=first,
            text="Skolan och fritid ordnar en gemensam aktivitet.",
            agency=users["sara"].membership.agency,
            due=first.starts_at.date() + dt.timedelta(days=10),
            made_by=users["per"],
            made_at=timezone.now(),
        )
        youngsters_values(group, users)
    chair = group.members.get(role="chair")
    return {
        **youngsters_pks(group),
        "pk": group.pk,
        "meeting": group.meetings.order_by("starts_at").first().pk,
        "commitment": Commitment.objects.filter(meeting__group=group).first().pk,
        "token": feed_path(chair).rsplit("/", 1)[-1].removesuffix(".ics"),
        **top5_values(group),
        **sig_values(group),
    }


# --- Top 5 (issue 13, 5) ------------------------------------------------------------------------


def top5_values(group):
    """The group's Top 5 list (made the first time: a selection meeting a week ago, a
    fictional person put on the list by Per of the police, with one measure): the entry's and
    the measure's pks."""
    from operative import top5
    from operative.models import Top5Entry
    from sspf_flow.models import Youth

    entry = Top5Entry.objects.filter(group=group).first()
    if entry is None:
        per = group.members.select_related("user").get(user__username="per").user
        today = timezone.localdate()
        selection = top5.record_selection(group, per, held_on=today - dt.timedelta(days=7))
        youth = Youth.objects.create(
            municipality=group.municipality,
            first_name="Signe",
            last_name="Kvarnström",
            gender="flicka",
            birth_date=dt.date(today.year - 17, 1, 15),
        )
        entry = top5.add_entry(
            group,
            per,
            youth,
            selection=selection,
            reason="Rån mot jämnåriga.",
            legal_ground="osl_10_18a",
        )
        top5.add_measure(
            entry,
            per,
            agency=per.membership.agency,
            what="Kontaktsamtal",
            started_on=today,
            status="ongoing",
        )
    return {"top5_entry": entry.pk, "top5_measure": entry.measures.first().pk}


# --- Youngsters (issue 13, 4) -------------------------------------------------------------------

# Youngsters (issue 13, 4): police and social services' concern talks with a named young person
# (not the matrix case's): only the group's police and social services members open them (the
# chair Sven of social services, the "consented" role). Route name → the key of its pk in
# ``operative_values`` (the group's own pk for the group-level pages).
YOUNGSTERS_PAGES = {
    "youngsters_list": "pk",
    "youngsters_new": "pk",
    "youngsters_track": "youngsters_track",
    "youngsters_plan": "youngsters_track",
    "youngsters_close": "youngsters_track",
    "youngsters_hold": "youngsters_talk",
    "youngsters_cancel": "youngsters_talk",
    "youngsters_measure": "youngsters_measure",
}
YOUNGSTERS_NAME = ("Ines", "Holm")  # the track's young person (fictional)


def youngsters_values(group, users):
    """A Youngsters track in the group: Ines Holm taken up by the police, a concern talk held
    yesterday with one measure agreed, the follow-up planned in two weeks."""
    from operative import youngsters
    from operative.models import AgreedMeasure, ConcernTalk
    from sspf_flow.models import Youth

    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name=YOUNGSTERS_NAME[0],
        last_name=YOUNGSTERS_NAME[1],
        birth_date=timezone.localdate() - dt.timedelta(days=14 * 365),
        gender="flicka",
    )
    track = youngsters.take_up(group, users["per"], youth, noticed="Sena kvällar vid centrum.")
    pair = list(group.members.exclude(role="member"))
    held = ConcernTalk.objects.create(  # written as it was (the services plan ahead only)
        track=track,
        kind="talk",
        starts_at=timezone.now() - dt.timedelta(days=1),
        where="home",
        status="held",
        record="Samtal hemma.",
    )
    held.participants.set(pair)
    AgreedMeasure.objects.create(talk=held, text="Hemma senast 21.", responsible="guardian")
    youngsters.plan_talk(
        track,
        users["sven"],
        kind="follow_up",
        starts_at=timezone.now() + dt.timedelta(days=14),
        where="home",
        participants=pair,
    )


def youngsters_pks(group):
    from operative.models import AgreedMeasure, ConcernTalk

    talk = ConcernTalk.objects.filter(track__group=group, status="planned").first()
    return {
        "youngsters_track": talk.track_id,
        "youngsters_talk": talk.pk,
        "youngsters_measure": AgreedMeasure.objects.filter(talk__track=talk.track_id).first().pk,
    }
