"""CaseFlow: who does what next.

Each human task's view calls one service in ``services``, which runs the FSM transition; the
gateways then read ``Case.status`` to route. The flow never writes the status itself.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from sspf_flow import access
from sspf_flow.models import CaseProcess, CaseTask, FollowUpDecision, Status

from . import locks, nodes, task_views
from .nodes import CaseView

COORDINATE = "sspf_flow.coordinate_case"


def case_status_is(status):
    return lambda activation: activation.process.artifact.status == status


def follow_up_decided(decision):
    def decided(activation):
        latest = activation.process.artifact.follow_ups.order_by("-pk").first()
        return latest is not None and latest.decision == decision

    return decided


class CaseFlow(flow.Flow):
    process_class = CaseProcess
    task_class = CaseTask
    process_title = _("SSPF case")
    process_description = _("From referral to closure")
    process_summary_template = "{{ process.artifact.number }}"
    lock_impl = locks.case_then_process_lock  # one lock order for every path (locks)

    start = (
        nodes.Start(task_views.ReferralView.as_view())
        .Annotation(
            title=_("New referral"),
            description=_(
                "Tell the coordinator about a young person you are worried about: who they are, "
                "their guardians, and what the concern is. Nothing is shared with the other "
                "agencies before the young person and the guardians consent."
            ),
        )
        .Permission("sspf_flow.refer_case")
        .Next(this.assess)
    )
    start_from_code = (
        nodes.StartHandle(this.attach_case)
        .Annotation(title=_("Referral registered or case reopened"))
        .Next(this.assess)
    )

    restart_for_consent = (
        nodes.StartHandle(this.attach_case)
        .Annotation(title=_("Consent withdrawn: obtain new consent or close"))
        .Next(this.obtain_consent)
    )

    assess = (
        CaseView(task_views.AssessView.as_view())
        .Annotation(
            title=_("Assess referral"),
            description=_(
                "Decide whether SSPF is the right way to help: accept the referral and ask for "
                "consent, or decline it with a reason the referrer will see."
            ),
            summary_template="{{ process.artifact.number }}",
        )
        .Permission(COORDINATE)
        .Next(this.check_accepted)
    )
    check_accepted = (
        nodes.If(case_status_is(Status.AWAITING_CONSENT))
        .Annotation(title=_("Accepted?"))
        .Then(this.obtain_consent)
        .Else(this.end)
    )
    obtain_consent = (
        CaseView(task_views.ConsentView.as_view())
        .Annotation(
            title=_("Obtain consent"),
            description=_(
                "Record the consent of the young person and the guardians: which agencies may "
                "share information, which kinds of information, and for how long."
            ),
            summary_template="{{ process.artifact.number }}",
        )
        .Permission(COORDINATE)
        .Assign(this.case_coordinator)
        .Next(this.check_consented)
    )
    check_consented = (
        nodes.If(case_status_is(Status.CONSENTED))
        .Annotation(title=_("Consent given?"))
        .Then(this.plan_meeting)
        .Else(this.end)
    )
    plan_meeting = (
        CaseView(task_views.PlanMeetingView.as_view())
        .Annotation(
            title=_("Plan meeting"),
            description=_(
                "Call the network meeting: when and where, and which agencies are invited. "
                "The invitations go out by e-mail without names."
            ),
            summary_template="{{ process.artifact.number }}",
        )
        .Permission(COORDINATE)
        .Assign(this.case_coordinator)
        .Next(this.hold_meeting)
    )
    hold_meeting = (
        CaseView(task_views.HoldMeetingView.as_view())
        .Annotation(
            title=_("Hold meeting"),
            description=_(
                "Record the meeting: who took part, the goals and actions agreed with the family "
                "and the agencies, and when the plan is followed up."
            ),
            summary_template="{{ process.artifact.number }}",
        )
        .Permission(COORDINATE)
        .Assign(this.case_coordinator)
        .Next(this.check_in_progress)
    )
    check_in_progress = (
        nodes.If(case_status_is(Status.IN_PROGRESS))
        .Annotation(title=_("Case still open?"))
        .Then(this.wait_for_follow_up)
        .Else(this.end)
    )
    wait_for_follow_up = (
        nodes.Timer(this.follow_up_opens)
        .Annotation(title=_("Wait for the follow-up date"))
        .Next(this.follow_up)
    )
    follow_up = (
        CaseView(task_views.FollowUpView.as_view())
        .Annotation(
            title=_("Follow up"),
            description=_(
                "Go through the action plan: how each action went and whether the goals are "
                "met; then continue, call a new meeting or close the case."
            ),
            summary_template="{{ process.artifact.number }}",
        )
        .Permission(COORDINATE)
        .Assign(this.case_coordinator)
        .Next(this.after_follow_up)
    )
    after_follow_up = (
        nodes.Switch()
        .Annotation(title=_("Next step after the follow-up"))
        .Case(this.end, case_status_is(Status.CLOSED))
        .Case(this.plan_meeting, follow_up_decided(FollowUpDecision.MEETING))
        .Default(this.wait_for_follow_up)
    )
    end = nodes.End().Annotation(title=_("Case closed"))

    def attach_case(self, activation, case):
        activation.process.artifact = case
        return activation.process

    def follow_up_opens(self, activation):
        """The follow-up task opens FOLLOW_UP_LEAD_DAYS before the booked date (at once when
        that is already past); beat fires the timer."""
        case = activation.process.artifact
        now = timezone.now()
        if case.next_follow_up is None:
            return now
        day = case.next_follow_up - timedelta(days=settings.FOLLOW_UP_LEAD_DAYS)
        opens = timezone.make_aware(datetime.combine(day, time.min))
        return max(now, opens)

    def case_coordinator(self, activation):
        return activation.process.artifact.coordinator

    def has_view_permission(self, user, obj=None):
        if obj is not None:
            return access.can_view_case(user, obj.artifact)
        return access.works_with_cases(user)

    def has_manage_permission(self, user, obj=None):
        # Undo, cancel and revive by hand would let the flow and the case's legal state drift
        # apart; closing and reopening go through the case page's services instead.
        return False
