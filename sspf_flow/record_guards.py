"""The named guards of the records kept beside the process (``records``): journal notes,
reports of concern, an agency's update of its action, incident reports and an agency's picture
before a meeting. Like ``guards``: each returns the reason (in Swedish, about a field where it
can) or None."""

from django.utils.translation import gettext_lazy as _

from .models import ActionStatus, IncidentKind, MeetingStatus
from .refusals import about


def birth_date_fits(number, born, today):
    """A young person's birth date is not in the future and agrees with their personal
    identity number, when one is given (its first six or eight digits)."""
    if born is None:
        return None
    if born > today:
        return about("birth_date", _("The birth date is in the future."))
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if (len(digits) == 12 and digits[:8] != born.strftime("%Y%m%d")) or (
        len(digits) == 10 and digits[:6] != born.strftime("%y%m%d")
    ):
        return about("birth_date", _("The birth date does not match the personal identity number."))
    return None


def journal_text_given(text):
    """A journal note says something."""
    if not text.strip():
        return about("text", _("A journal note cannot be empty."))
    return None


def concern_report_complete(made_on, to_whom, today):
    """A report of concern is recorded with its date (not in the future) and its recipient."""
    if made_on is None:
        return about("made_on", _("State when the report of concern was made."))
    if made_on > today:
        return about("made_on", _("The report of concern cannot be dated in the future."))
    if not to_whom.strip():
        return about("to_whom", _("State to whom the report of concern was made."))
    return None


# An agency's update of its action


AGENCY_SETS = (ActionStatus.ONGOING, ActionStatus.DONE, ActionStatus.NOT_DONE)


def action_update_complete(status, comment):
    """The responsible agency says the action has started, is done, or was not done — and
    then why."""
    if status not in AGENCY_SETS:
        return about("status", _("Choose whether the action has started, is done or was not done."))
    if status == ActionStatus.NOT_DONE and not comment.strip():
        return about("comment", _("Say why the action was not done."))
    return None


def action_in_current_plan(case, action):
    """Only an action of the case's current plan, while the case is open, can be updated."""
    plan = case.current_plan() if case.is_open else None
    if plan is None or action.plan_id != plan.pk:
        return _("The action is no longer in the case's current plan, or the case is closed.")
    return None


def case_is_open(case):
    if not case.is_open:
        return _("The case is closed; reopen it to report an incident.")
    return None


def incident_complete(occurred_on, kind, text, today):
    """An incident is reported with the day it happened (not in the future), its coded kind
    and a short text of what happened."""
    if occurred_on is None:
        return about("occurred_on", _("State the day it happened."))
    if occurred_on > today:
        return about("occurred_on", _("An incident cannot be dated in the future."))
    if kind not in IncidentKind.values:
        return about("kind", _("Choose what kind of incident it was."))
    if not text.strip():
        return about("text", _("Say briefly what happened."))
    return None


# An agency's picture before a meeting


def picture_meeting_ahead(meeting, now):
    """A picture is written (and revised) before the meeting: while it is planned and has not
    begun. Once it is held the protocol keeps the pictures as they were."""
    if meeting.status != MeetingStatus.PLANNED or meeting.starts_at <= now:
        return _(
            "The meeting has been held, cancelled or has already begun; the pictures are kept "
            "as they were."
        )
    return None


def picture_agency_invited(meeting, agency):
    """Only an agency the meeting invites gives its picture."""
    if agency is None or not meeting.invited_agencies.filter(pk=agency.pk).exists():
        return _("Your agency is not invited to this meeting.")
    return None


def picture_agency_covered(covered, agency):
    """An agency discloses its picture only while an active consent covers it (``covered``:
    the agencies an active consent covers today)."""
    if agency is None or agency.pk not in covered:
        return _("No active consent covers your agency in this case.")
    return None


PICTURE_FIELDS = {
    "knows": _("Say what your agency knows of the young person's situation."),
    "does": _("Say what your agency does for the young person (or that it does nothing yet)."),
    "strengths": _("Name the strengths and protective factors your agency sees."),
    "risks": _("Name the risks your agency sees."),
}


def picture_text_given(field, text):
    """A picture says all four things (``PICTURE_FIELDS``): what the agency knows, what it
    does, the strengths and the risks (seed 001's "lägesbild"); ask once per field, so that
    every missing text is named at once."""
    if not (text or "").strip():
        return about(field, PICTURE_FIELDS[field])
    return None
