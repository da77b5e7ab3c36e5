"""The outcome indicators of seed 001's goals (school attendance, crime, alcohol and drugs, goal
fulfilment in school, a meaningful leisure activity), recorded as codes at acceptance, at each
follow-up and at closure, so that the steering group's statistics can count the change from start
to closure.

``record_reading`` is the one door for a reading. A step calls it right after its own service,
in the same transaction (``casework/perform.py``, ``casework/workflow/steps.py``): a refused step
writes no reading, and a refused reading undoes the step."""

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .door import _changing
from .events import EventCode, record_event
from .models import Status
from .models.outcome import INDICATORS, OutcomePoint, OutcomeReading
from .refusals import about, refuse_if

NAMES = list(INDICATORS)


def indicators_given(values):
    """Each indicator is given as one of its codes ("not known" is one of them): the reasons,
    one next to each indicator missing or not on its scale."""
    return [
        about(name, _("Choose how it stands now; “Not known” may be chosen."))
        for name, scale in INDICATORS.items()
        if values.get(name) not in scale.values
    ]


def reading_fits_case(case, point):
    """A reading belongs to a case that SSPF took on: the first when the referral is accepted,
    then at follow-ups of the case in progress, the last when it is closed. A declined referral
    has none."""
    fits = {
        OutcomePoint.START: case.status == Status.AWAITING_CONSENT,
        OutcomePoint.FOLLOW_UP: case.status == Status.IN_PROGRESS,
        OutcomePoint.CLOSURE: case.status == Status.CLOSED and case.accepted_at is not None,
    }
    if not fits.get(point, False):
        return _("Outcome indicators are recorded at acceptance, at follow-ups and at closure.")
    return None


def record_reading(case, user, point, values, day=None):
    """Write the indicators as they stand at ``point`` (an ``OutcomePoint``), dated ``day``
    (today by default). ``values``: indicator name → code, every indicator given."""
    with _changing(case, user) as locked:
        refuse_if(reading_fits_case(locked, point), *indicators_given(values))
        reading = OutcomeReading.objects.create(
            case=locked,
            point=point,
            recorded_on=day or timezone.localdate(),
            recorded_by=user,
            **{name: values[name] for name in NAMES},
        )
        record_event(locked, user, EventCode.OUTCOMES_RECORDED, point=point, reading=reading.pk)
        return reading


def latest(case):
    """The case's latest reading, or None (the next step's form starts from it)."""
    return case.outcomes.order_by("-recorded_on", "-pk").first()


def values_of(reading):
    """A reading's codes by indicator name; empty for none."""
    return {name: getattr(reading, name) for name in NAMES} if reading else {}


def headers(names):
    """The indicators' names in the reader's language."""
    return [capfirst(OutcomeReading._meta.get_field(name).verbose_name) for name in names]


def table(readings, names):
    """Rows for a page: (date, when, the labels of the indicators ``names``) per reading."""
    return [
        (
            reading.recorded_on,
            reading.get_point_display(),
            [INDICATORS[name](getattr(reading, name)).label for name in names],
        )
        for reading in readings
    ]
