"""Changes of a case that the steering group's statistics count, through the same door as
``services`` (permission → row lock → guards → change → CaseEvent): whether a needs-assessed
intervention (*biståndsbedömd insats*) followed the referral. Only codes are recorded, in the
case and in its history: no free text can reach a statistic."""

from django.utils.translation import gettext_lazy as _

from . import access
from .door import _changing
from .events import EventCode, record_event
from .models import SocialIntervention
from .refusals import about, refuse_if


def social_intervention_known(value):
    """The value is one of the coded answers, or empty: not yet known."""
    if value and value not in SocialIntervention.values:
        return about("social_intervention", _("Choose one of the answers in the list."))
    return None


def social_intervention_changed(case, value):
    """Recording the value the case already has would only add a line to its history."""
    if (value or "") == case.social_intervention:
        return about(
            "social_intervention", _("The case already has this answer: nothing was changed.")
        )
    return None


def record_social_intervention(case, user, value):
    """Record or change whether a needs-assessed intervention from social services followed
    the referral (``SocialIntervention``; "" when not yet known). The coordinator, or a
    social-services member covered by an active consent (``access.records_social_intervention``)."""
    with _changing(case, user, allowed=access.records_social_intervention) as locked:
        refuse_if(social_intervention_known(value))
        refuse_if(social_intervention_changed(locked, value))
        was = locked.social_intervention
        locked.social_intervention = value or ""
        locked.save(update_fields=["social_intervention"])
        record_event(
            locked,
            user,
            EventCode.CASE_SOCIAL_INTERVENTION,
            value=locked.social_intervention,
            was=was,
        )
