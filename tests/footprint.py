"""What a refused transition must leave untouched, and the frozen moment those tests run at."""

import datetime as dt
from zoneinfo import ZoneInfo

from sspf_flow.models import (
    Action,
    ActionPlan,
    Case,
    CaseEvent,
    Consent,
    ConsentAgency,
    FollowUp,
    Goal,
    Meeting,
    MeetingPicture,
)

FROZEN = dt.datetime(2025, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
TODAY = FROZEN.date()


def footprint(case):
    """Everything a transition could write, to compare before and after a refusal."""
    return {
        "case": Case.objects.values().get(pk=case.pk),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "action")),
        "consents": list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "scopes": list(ConsentAgency.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "status", "protocol")),
        "plans": list(ActionPlan.objects.order_by("pk").values_list("pk", flat=True)),
        "goals": list(Goal.objects.order_by("pk").values_list("pk", "assessment")),
        "actions": list(Action.objects.order_by("pk").values_list("pk", "status")),
        "follow_ups": list(FollowUp.objects.order_by("pk").values_list("pk", flat=True)),
        "pictures": list(MeetingPicture.objects.order_by("pk").values_list("pk", "updated_at")),
    }
