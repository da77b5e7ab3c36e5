"""A case's two pages: the case as it stands (``CaseDetailView``) and what has been done and
written (``CaseHistoryView``). Each reads the case through the access module, logs the read, and
runs a fixed number of queries however much the case holds (tests/test_query_counts.py)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from forms.render import render_html
from sspf_flow import access, accesslog, guards, holds, outcomes
from sspf_flow.models import Action, CaseTask, ConsentAgency, MeetingPicture, MeetingStatus, Status
from sspf_flow.models.case import OPEN_AFTER_CONSENT
from sspf_flow.models.process import processes_of

from ..templateforms import language
from ..workflow import summary
from .history import describe
from .pictures import board


class CasePage(generic.TemplateView):
    """One of a case's two pages; each reads the case through the access module and logs it."""

    what = None  # the access log's description of the page
    tab = None

    def get_context_data(self, **kwargs):
        user = self.request.user
        case = access.get_case_for(user, kwargs["number"])
        accesslog.record(self.request, [case], self.what)
        sight = access.sight(user, case)
        return super().get_context_data(
            case=case,
            youth=case.youth,
            sight=sight,
            tab=self.tab,
            concerns=summary.concerns_seen(user, case),
            full_picture=sight.full_picture,
            may_coordinate=sight.coordinates,
            # a referral outside the municipality's target group, flagged in the summary
            outside_target_group=guards.outside_target_group(case, case.risk_level)
            if sight.assessment
            else [],
            **self.sections(user, case, sight),
            **kwargs,
        )


@method_decorator(login_required, name="dispatch")
class CaseDetailView(CasePage):
    """The case as it stands: the next steps, the referral, consents, meetings and the plan."""

    template_name = "casework/case_detail.html"
    what = _("case page")
    tab = "case"

    def sections(self, user, case, sight):
        meetings = list(
            case.meetings.select_related("chair", "minute_taker").prefetch_related(
                "invited_agencies",
                Prefetch("pictures", MeetingPicture.objects.select_related("agency", "author")),
            )
        )
        now = timezone.now()
        for meeting in meetings:  # the agencies' pictures, as the reader may see them
            meeting.board = board(meeting, sight)
            meeting.picture_wanted = (
                meeting.status == MeetingStatus.PLANNED
                and meeting.starts_at > now
                and access.writes_picture(user, meeting, reads_case=True)
            )
        consents = list(
            case.consents.prefetch_related(
                Prefetch("scope", ConsentAgency.objects.select_related("agency")),
                "network_persons",
            )
        )
        plan = case.current_plan(
            "goals",
            Prefetch(
                "actions",
                Action.objects.select_related(
                    "agency", "guardian", "network_person", "intervention"
                ),
            ),
        )
        coordinator = sight.coordinates
        covered = covered_now(consents)
        # the outcome indicators over time, each under its information category (categories.py)
        indicators = sight.indicators()
        # named on the consent: common ground of every covered agency (categories.py); how to
        # reach them, for the coordinator only
        network, network_covered = named_network(consents)
        return dict(
            guardians=list(case.youth.guardians.all()),
            network=network,
            network_covered=network_covered,
            consents=consents,
            covered_now=covered,
            meetings=meetings,
            readable_protocols={
                m.pk for m in meetings if access.reads_protocol(user, m, reads_case=True)
            },
            plan=plan,
            plan_versions=range(plan.version, 0, -1) if plan else [],
            plan_actions=[a for a in (plan.actions.all() if plan else []) if sight.action(a)],
            # the actions the user's agency is responsible for: an "update" link each
            own_actions={
                a.pk
                for a in (plan.actions.all() if plan and case.is_open else [])
                if access.updates_action(user, a)
            },
            sees_accessibility=sight.accessibility,
            # risk, need and receptivity over time, and whether the referral is outside the
            # municipality's target group: for those whose sight covers the assessment
            assessments=list(case.assessments.select_related("assessed_by"))
            if sight.assessment
            else [],
            outcome_headers=outcomes.headers(indicators),
            outcome_partial=len(indicators) < len(outcomes.NAMES),
            outcome_rows=outcomes.table(case.outcomes.all(), indicators) if indicators else [],
            may_close=coordinator and case.is_open,
            may_record_social_intervention=access.records_social_intervention(
                user, case, sight=sight
            ),
            may_report_incident=case.is_open
            and access.reports_incidents(user, case, reads_case=True),
            may_add_consent=case.status in OPEN_AFTER_CONSENT,
            may_reopen=coordinator and not case.is_open and guards.not_deidentified(case) is None,
            # the coordinator sees whether gallring is held off the case, and places or lifts it
            hold=holds.hold_in_force(case) if coordinator else None,
            steps=step_list(case),
            **open_tasks(case, user),
        )


@method_decorator(login_required, name="dispatch")
class CaseHistoryView(CasePage):
    """What has been done and written: follow-ups, filled-in forms, reports of concern, the
    coordinator's journal and the case's history."""

    template_name = "casework/case_history.html"
    what = _("case history")
    tab = "history"

    def sections(self, user, case, sight):
        coordinator = sight.coordinates
        return {
            "follow_ups": case.follow_ups.select_related("created_by"),
            "submissions": submissions_of(case, printable=coordinator, sight=sight)
            if sight.full_picture or sight.referral
            else [],
            "sees_social_services": sight.social_services,
            "concern_reports": case.concern_reports.select_related("agency"),
            "incidents": [
                incident
                for incident in case.incidents.select_related("agency")
                if sight.incident(incident)
            ],
            "journal": (
                case.journal.select_related("author", "author_agency", "corrects")
                if coordinator
                else []
            ),
            "history": [
                (event, describe(event)) for event in case.events.select_related("actor", "agency")
            ],
        }


def open_tasks(case, user):
    """The case's open human tasks (with their page, and whether the user may act on them) and
    when the follow-up task opens, from the case's current process."""
    current = processes_of(case).order_by("-created").values("pk")[:1]
    tasks = list(
        CaseTask.objects.filter(process__in=current, finished__isnull=True).select_related(
            "owner", "process"
        )
    )
    for task in tasks:
        task.process.artifact = case  # the rules below ask the task's case: no query for it
    waiting = [task.scheduled for task in tasks if task.flow_task_type == "TIMER"]
    return {
        "open_tasks": [
            (
                task,
                task.flow_task.reverse("index", args=[task.process_id, task.pk]),
                task.flow_task.can_execute(user, task) or task.flow_task.can_assign(user, task),
            )
            for task in tasks
            if task.flow_task_type == "HUMAN"
        ],
        "follow_up_opens": waiting[0] if waiting else None,
    }


def submissions_of(case, printable=False, sight=None):
    """The case's filled-in form templates, newest first, each as made (forms.render); with a
    link to print each for the coordinator. With ``sight``, those the reader may see: the
    referral's under the referral's rule (``Sight.referral``), the others, which mix every
    party's picture, with the full picture only."""
    submissions = case.form_submissions.select_related("version__template", "author")
    return [
        render_html(
            submission,
            language(),
            pdf_url=reverse("sspf:submission_pdf", args=[case.number, submission.pk])
            if printable
            else None,
        )
        for submission in submissions.order_by("-created_at", "-pk")
        if sight is None
        or (
            sight.referral if submission.version.template.kind == "referral" else sight.full_picture
        )
    ]


def covered_now(consents):
    """Which agencies a consent covers today, and until when (the latest end date)."""
    today = timezone.localdate()
    until = {}
    for consent in consents:
        consent.active = (
            not consent.withdrawn_at and consent.valid_from <= today <= consent.valid_to
        )
        if consent.active:
            for item in consent.scope.all():
                if not item.withdrawn_at:
                    until[item.agency] = max(until.get(item.agency, today), consent.valid_to)
    return sorted(until.items(), key=lambda pair: pair[0].name)


def named_network(consents):
    """The network persons the case's consents name, by name, and the keys of those a consent
    active today names (``covered_now`` marked which consents are active): read from the
    consents already loaded, as ``NetworkPerson.objects.covered_on`` would answer."""
    persons, covered = {}, set()
    for consent in consents:
        for person in consent.network_persons.all():
            persons[person.pk] = person
            if consent.active:
                covered.add(person.pk)
    return sorted(persons.values(), key=lambda p: (p.name, p.pk)), covered


def step_list(case):
    """The main steps and where the case stands, for the progress bar on the case page."""
    order = [
        Status.REFERRED,
        Status.AWAITING_CONSENT,
        Status.CONSENTED,
        Status.MEETING_PLANNED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    ]
    current = order.index(case.status)
    return [
        (Status(status).label, index < current, index == current)
        for index, status in enumerate(order)
    ]
