"""The register extract's doors (GDPR art. 15): a request registered, a print noted, the extract
handed over. Each asks ``access`` first and refuses with reasons the form shows next to its
fields (``refuse_if``); the views write the access log beside them.

Who the request is about: a young person may stand in the register more than once (each
referral registers the young person anew), so the extract covers every entry of the
municipality with the same personal identity number (``people_of``)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.se import personnummer

from sspf_flow import access
from sspf_flow.models import Youth
from sspf_flow.refusals import about, refuse_if

from .models import HandedOverHow, ReceivedHow, RegisterRequest


def people_of(youth):
    """The register entries of the young person ``youth`` is: those of the municipality with the
    same personal identity number, or ``youth`` alone when it has none."""
    if not youth.personal_number:
        return Youth.objects.filter(pk=youth.pk)
    return Youth.objects.filter(
        Q(pk=youth.pk)
        | Q(municipality_id=youth.municipality_id, personal_number=youth.personal_number)
    )


def find_person(user, number):
    """The register entry a coordinator means by ``number`` (a personal identity number or a
    case number), among the young people of the coordinator's municipality; None if none."""
    agency = access.agency_of(user)
    number = number.strip()
    if agency is None or not number:
        return None
    if personnummer.is_valid(number):
        found = Youth.objects.filter(personal_number=personnummer.format(number))
    else:
        found = Youth.objects.filter(cases__number__iexact=number)
    return found.filter(municipality_id=agency.municipality_id).order_by("pk").first()


# Guards: each returns the reason it refuses (about the form's field), or None.


def received_by_today(received_on, today):
    """A request cannot have come in after today."""
    if received_on > today:
        return about("received_on", _("The request cannot have come in after today."))
    return None


def known_way(field, value, choices):
    if value not in choices.values:
        return about(field, _("Choose one of the ways in the list."))
    return None


def not_handed_over_yet(request):
    """An extract is handed over once; a new request gets a new extract."""
    if request.handed_over:
        return _("The extract was already handed over. Register a new request for a new one.")
    return None


def printed_before_handed_over(request):
    """What is handed over is the printed extract: print it first."""
    if request.printed_at is None:
        return _("Print the extract (PDF) before you mark it handed over.")
    return None


# The doors


def register_request(user, youth, received_on, received_how):
    """Register that ``youth`` (or their guardian) asked for a register extract."""
    if not access.extracts_for(user, youth):
        raise PermissionDenied
    refuse_if(
        received_by_today(received_on, timezone.localdate()),
        known_way("received_how", received_how, ReceivedHow),
    )
    return RegisterRequest.objects.create(
        youth=youth,
        received_on=received_on,
        received_how=received_how,
        registered_by=user,
        registered_at=timezone.now(),
    )


def note_printed(user, request):
    """The extract was printed (the PDF made) now."""
    if not access.extracts_for(user, request.youth):
        raise PermissionDenied
    request.printed_at = timezone.now()
    RegisterRequest.objects.filter(pk=request.pk).update(printed_at=request.printed_at)


def hand_over(user, request, how):
    """The coordinator handed the printed extract over, ``how`` (in person, by post,
    digitally). The row is locked, so that two clicks hand it over once."""
    if not access.extracts_for(user, request.youth):
        raise PermissionDenied
    locked = RegisterRequest.objects.select_for_update().get(pk=request.pk)
    refuse_if(
        not_handed_over_yet(locked),
        printed_before_handed_over(locked),
        known_way("how", how, HandedOverHow),
    )
    locked.handed_over_at = timezone.now()
    locked.handed_over_by = user
    locked.handed_over_how = how
    locked.save(update_fields=["handed_over_at", "handed_over_by", "handed_over_how"])
    return locked
