"""The rules that can refuse a change to the Top 5 list (seed 001, Bilaga 1): each returns
``None`` or the reason, in Swedish on the page. ``operative.top5`` refuses with them
(``refuse_if``: a refusal writes nothing); the forms show the same reasons in ``clean``."""

from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.models import AgencyKind, ConsentAgency
from sspf_flow.refusals import about

from .guards import no_identity_number
from .models import MOST_ON_THE_LIST, Top5LegalGround, Top5MeasureStatus


def works_top5(user, group):
    """Top 5 is the police's and social services' work: their members of the group keep it."""
    if access.works_programmes(user, group):
        return None
    return _("Only the group's members from the police and social services work with Top 5.")


def held_not_ahead(held_on, today):
    """A selection meeting is recorded once it was held."""
    if held_on is not None and held_on > today:
        return about("held_on", _("Choose a day that has come: record the meeting once held."))
    return None


def a_selection_was_held(selection, group):
    """A person is chosen at one of the group's selection meetings."""
    if selection is None or selection.group_id != group.pk:
        return about("selection", _("Record the selection meeting first, then choose from it."))
    return None


def room_on_the_list(group):
    """At most five persons are on the list at once (seed 001: "fem ungdomar eller drivande
    nyckelpersoner"): a sixth waits until someone is taken off."""
    on_the_list = group.top5entry_entries.filter(ended_on__isnull=True).count()
    if on_the_list >= MOST_ON_THE_LIST:
        return _(
            "The Top 5 list already has %(most)d persons, the most it holds at once: take "
            "someone off the list first."
        ) % {"most": MOST_ON_THE_LIST}
    return None


def not_on_the_list_already(group, youth):
    """A person is on the list once."""
    if youth.pk and group.top5entry_entries.filter(youth=youth, ended_on__isnull=True).exists():
        return _("This person is already on the list.")
    return None


def ground_named(legal_ground, other_ground):
    """Another legal ground is named in words (e.g. the provision that allows the sharing)."""
    if legal_ground == Top5LegalGround.OTHER and not (other_ground or "").strip():
        return about("other_ground", _("Name the legal ground."))
    return None


NO_CONSENT_CASE = _(
    "No case with this number about this person has a consent active today that covers both "
    "the police and social services: check the number or choose another legal ground."
)


def consent_covers_both(legal_ground, case, youth, day):
    """Consent as the legal ground is the person's SSPF case's consent, active today, covering
    both the police and social services. Whether the number names no case, another person's
    case or a case without such a consent, the answer is the same: the list's keepers learn
    nothing of cases they do not see."""
    if legal_ground != Top5LegalGround.CONSENT:
        return None
    if case is None:
        return about("case_number", _("Give the number of the person's SSPF case with consent."))
    kinds = set(
        ConsentAgency.objects.active_on(day)
        .filter(consent__case=case)
        .values_list("agency__kind", flat=True)
    )
    same_person = case.youth_id == youth.pk
    if not same_person or not {AgencyKind.POLICE, AgencyKind.SOCIAL_SERVICES} <= kinds:
        return about("case_number", NO_CONSENT_CASE)
    return None


def case_found(number, case):
    """A case number given names a case of the municipality (said as ``consent_covers_both``
    says it)."""
    if (number or "").strip() and case is None:
        return about("case_number", NO_CONSENT_CASE)
    return None


def still_on_the_list(entry):
    if entry.ended_on is not None:
        return _("The person was already taken off the list.")
    return None


def ended_in_time(ended_on, entry, today):
    """Taken off the list on a day between their selection and today."""
    if ended_on is None:
        return None
    if ended_on > today:
        return about("ended_on", _("Choose a day that has come."))
    if ended_on < entry.selection.held_on:
        return about("ended_on", _("Choose a day after the person was chosen."))
    return None


def agency_of_the_municipality(agency, group):
    """A measure is the police's, social services' or another agency's of the municipality."""
    if agency is not None and agency.municipality_id != group.municipality_id:
        return about("agency", _("Choose an agency of the municipality."))
    return None


def not_done_explained(status, comment):
    """A measure that was not done says why."""
    if status == Top5MeasureStatus.NOT_DONE and not (comment or "").strip():
        return about("comment", _("Say in the comment why it was not done."))
    return None


def no_numbers_in(texts):
    """The free texts carry no personal identity numbers (the list names the person once)."""
    return [no_identity_number(field, text) for field, text in texts.items()]
