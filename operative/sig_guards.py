"""The rules that can refuse a step of SIG (seed 002): each returns ``None`` or the reason, in
Swedish on the page. ``operative.sig`` refuses with them (``refuse_if``: a refusal writes
nothing); the forms show the same reasons in ``clean``. The order is the programme's: on the
police's priority list → offered → accepted (with consent) → taken into a cohort → status notes
→ closed with a coded reason; or declined with a coded reason."""

from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.refusals import about

from .guards import no_identity_number
from .models import SigAnswer, SigClosureReason, SigDeclineReason, SigStage


def _day(day):
    return date_format(day, "Y-m-d")


def works_the_list(user, group):
    """The priority list, the offers, the cohorts and the closures are kept by the group's
    members from the police and social services."""
    if access.works_programmes(user, group):
        return None
    return _("Only the group's members from the police and social services keep the SIG list.")


def records_the_status(user, entry):
    """A person's status notes are written by those who keep the list and by their coach."""
    if access.reads_programme_person(user, entry):
        return None
    return _(
        "Only the group's members from the police and social services, or the person's coach, "
        "record their status."
    )


def not_ahead(field, day, today):
    """What is recorded has happened: no date after today."""
    if day is not None and day > today:
        return about(field, _("Choose a date that is not after today."))
    return None


def not_listed_twice(group, youth):
    """A young person is on a group's priority list once at a time (until closed)."""
    if youth.pk and group.sigentry_entries.filter(youth=youth, closed_on__isnull=True).exists():
        return _("This young person is already on the group's priority list.")
    return None


def still_open(entry):
    """A closed person's record is kept as it was."""
    if entry.closed_on is not None:
        return _("This person's SIG is closed.")
    return None


def offered_once_after_listing(entry, offered_on):
    """The offer is made to someone on the priority list, once, on or after the day they were
    put on it."""
    if entry.offered_on is not None:
        return _("The offer is already recorded.")
    if offered_on is not None and offered_on < entry.listed_on:
        return about(
            "offered_on",
            format_lazy(
                _("The offer cannot come before they were on the priority list ({day})."),
                day=_day(entry.listed_on),
            ),
        )
    return None


def answers_an_offer(entry, answer, answered_on):
    """An answer is to an offer made, given once, on or after the offer, yes or no."""
    if entry.offered_on is None:
        return _("No offer has been made yet: record the offer first.")
    if entry.answer != SigAnswer.PENDING:
        return _("The answer is already recorded.")
    if answer not in (SigAnswer.ACCEPTED, SigAnswer.DECLINED):
        return about("answer", _("Choose whether they accepted or declined."))
    if answered_on is not None and answered_on < entry.offered_on:
        return about(
            "answered_on",
            format_lazy(
                _("The answer cannot come before the offer ({day})."), day=_day(entry.offered_on)
            ),
        )
    return None


def decline_explained(answer, reason, text):
    """A declined offer says why, coded (seed 002: several do not want to work with the
    police); "other" is described."""
    if answer != SigAnswer.DECLINED:
        return None
    if not reason:
        return about("declined_reason", _("Choose why they declined."))
    if reason == SigDeclineReason.OTHER and not (text or "").strip():
        return about("declined_text", _("Describe the other reason."))
    return None


def only_accepted_join(entry):
    """Only a young person who accepted the offer is taken into a cohort, once."""
    if entry.joined_on is not None:
        return _("This person is already in a cohort.")
    if entry.answer != SigAnswer.ACCEPTED:
        return _("Only a young person who accepted the offer is taken into a cohort.")
    return None


def builds_on_consent(entry, consented_on, joined_on):
    """SIG builds on the consent of the young person and their family (seed 002): the day
    they consented is recorded, not before the offer, and they join on or after it."""
    if consented_on is None:
        return about(
            "consented_on",
            _("SIG builds on consent: record the day the young person and guardians consented."),
        )
    if entry.offered_on is not None and consented_on < entry.offered_on:
        return about("consented_on", _("The consent cannot come before the offer."))
    if joined_on is not None and joined_on < consented_on:
        return about("joined_on", _("They are taken in on or after the day they consented."))
    return None


def cohort_of_the_group(cohort, group):
    """The cohort is one of this group's, still running."""
    if cohort is None or cohort.group_id != group.pk:
        return about("cohort", _("Choose one of the group's cohorts."))
    if cohort.ended_on is not None:
        return about("cohort", _("This cohort has ended: choose a running one."))
    return None


def coach_of_the_municipality(coach, group):
    """The coach works in the group's municipality (usually a youth coach in social
    services)."""
    membership = getattr(coach, "membership", None) if coach is not None else None
    if membership is None or membership.agency.municipality_id != group.municipality_id:
        return about("coach", _("Choose a coach who works in the municipality."))
    return None


def ends_after_it_started(cohort, ended_on):
    """A cohort ends once, on or after the day it started."""
    if cohort.ended_on is not None:
        return _("This cohort has already ended.")
    if ended_on is not None and ended_on < cohort.started_on:
        return about(
            "ended_on",
            format_lazy(
                _("Choose a date on or after the cohort started ({day})."),
                day=_day(cohort.started_on),
            ),
        )
    return None


def in_the_cohort(entry):
    """Status notes are written for a person in the cohort who is not closed."""
    if entry.stage != SigStage.IN_COHORT:
        return _("Status notes are written for a person in the cohort who is not closed.")
    return None


def status_while_in_the_cohort(entry, day):
    """A status note is dated on or after the day the person was taken in."""
    if day is not None and entry.joined_on is not None and day < entry.joined_on:
        return about(
            "day",
            format_lazy(
                _("Choose a date on or after they were taken in ({day})."),
                day=_day(entry.joined_on),
            ),
        )
    return None


def closure_explained(reason, text):
    """A person is closed with a coded reason (seed 002: four closures, four reasons); "other"
    is described."""
    if not reason:
        return about("closure_reason", _("Choose the reason for closing."))
    if reason == SigClosureReason.OTHER and not (text or "").strip():
        return about("closure_text", _("Describe the other reason."))
    return None


def closed_after_the_last_step(entry, closed_on):
    """Closing comes on or after the person's last recorded step."""
    last = max(d for d in (entry.listed_on, entry.answered_on, entry.joined_on) if d)
    if closed_on is not None and closed_on < last:
        return about(
            "closed_on", format_lazy(_("Choose a date on or after {day}."), day=_day(last))
        )
    return None


def names_no_one(field, text):
    """Free text names no one else: no personal identity numbers."""
    return no_identity_number(field, text)
