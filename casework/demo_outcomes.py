"""The demo's outcome indicators (``load_demo``): each accepted case has its reading at the start,
Leo's closure keeps the start's picture (the family moved before anything was done), and Vera is
walked from acceptance through two follow-ups to closure with goals met, some indicators better
and some the same. Every reading goes through the door (``outcomes.record_reading``) inside the
step that takes it, as on the web."""

from django.utils import timezone
from viewflow.workflow import timers

from sspf_flow import outcomes, services
from sspf_flow.models import FollowUpDecision, MeetingKind
from sspf_flow.models.outcome import OutcomePoint

from .workflow import steps


def indicators(attendance, goals, crime, substances, leisure):
    return {
        "school_attendance": attendance,
        "goal_fulfilment": goals,
        "crime": crime,
        "substance_use": substances,
        "leisure": leisure,
    }


# at acceptance, by the young person's first name
# the young people of the earlier terms (casework.demo_history) all start alike
EARLIER = indicators("partial", "partly", "unknown", "none", "no")
START = {
    "Lou": indicators("low", "not", "unknown", "some", "no"),
    "Maja": indicators("full", "partly", "suspected", "none", "yes"),
    "Noah": indicators("partial", "partly", "none", "regular", "unknown"),
    "Alva": indicators("low", "partly", "none", "none", "no"),
    "Leo": indicators("full", "not", "none", "unknown", "yes"),
    "Vera": indicators("partial", "partly", "suspected", "some", "no"),
}
# Vera at her first follow-up, and at closure: attendance, crime, drugs and leisure better,
# goal fulfilment the same
VERA_FOLLOW_UP = indicators("partial", "partly", "none", "some", "yes")
VERA_CLOSURE = indicators("full", "partly", "none", "none", "yes")


def at_start(case, user):
    """The start reading, inside the assess step right after ``services.accept_referral``."""
    values = START.get(case.youth.first_name, EARLIER)
    outcomes.record_reading(case, user, OutcomePoint.START, values)


def at_closure(case, user):
    """The closure reading, as the last one left it (the picture did not change)."""
    values = outcomes.values_of(outcomes.latest(case))
    outcomes.record_reading(case, user, OutcomePoint.CLOSURE, values)


def vera(demo):
    """A case followed up and closed with its goal met: its readings show the change."""
    case = demo.refer(
        "socialtjanst",
        "Vera",
        "Exempelsson",
        15,
        ["school_absence", "substance_use", "criminal_peers"],
        "Frånvaro, alkohol på helger och nya äldre kamrater som misstänks för stölder.",
        gender="flicka",
    )
    demo.accept(case, risk="medium")
    keys = ["skola", "socialtjanst", "fritid"]
    demo.consent(case, keys, youth_signs=True, days_ago=30)
    meeting = demo.plan(case, keys, days_ahead=-21, kind=MeetingKind.INITIAL)
    anja = demo.user["anja"]
    today = demo.today
    demo.hold(
        case,
        meeting,
        keys,
        protocol="Vera och hennes mamma berättade om helgerna. Skolan och fritidsgården "
        "beskrev vad de ser. Åtgärdsplanen togs fram tillsammans.",
        goals=[{"text": "Vera är i skolan varje dag.", "measure": "Närvaro"}],
        actions=[
            {
                "text": "Mentorn följer upp frånvaron varje vecka.",
                "party": "agency",
                "agency": demo.agency["skola"],
                "due_date": today,
                "goal": 0,
            },
            {
                "text": "Vera provar på tjejgruppen på fritidsgården.",
                "party": "agency",
                "agency": demo.agency["fritid"],
                "due_date": today,
                "goal": 0,
            },
        ],
        next_follow_up=today,
    )
    follow_up(case, anja, FollowUpDecision.CONTINUE, VERA_FOLLOW_UP, next_follow_up=today)
    follow_up(case, anja, FollowUpDecision.CLOSE, VERA_CLOSURE, closing=("goals_met", ""))


def follow_up(case, user, decision, values, **more):
    """Open the follow-up that is due (what beat does) and record it with its reading."""
    timers.fire_due_timers()
    plan = case.current_plan()
    closing = decision == FollowUpDecision.CLOSE

    def record():
        services.record_follow_up(
            case,
            user,
            day=timezone.localdate(),
            notes="Närvaron har blivit bättre; Vera går på tjejgruppen varje vecka.",
            items=[(action, "done" if closing else "ongoing", "") for action in plan.actions.all()],
            goal_assessments=dict.fromkeys(plan.goals.all(), "met" if closing else "ongoing"),
            decision=decision,
            **more,
        )
        point = OutcomePoint.CLOSURE if closing else OutcomePoint.FOLLOW_UP
        outcomes.record_reading(case, user, point, values)

    steps.complete(case, "follow_up", user, record)
