"""What can be counted about how a case went: the municipality's catalogue of interventions, the
needs-assessed intervention from social services, and the outcome indicators of seed 001's goals
(school attendance, crime, substance use, goal fulfilment, a meaningful leisure activity).

Each is a code, never free text, so that the steering group's statistics can count it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .case import Case
from .org import AgencyKind, Municipality

# seed 002's "Vanliga insatser och åtgärder", and what the issue names; a new municipality starts
# with these, and its administrator edits them (names are the municipality's own words)
DEFAULT_INTERVENTIONS = [
    ("RePulse", AgencyKind.SOCIAL_SERVICES),
    ("MiniMaria", AgencyKind.SOCIAL_SERVICES),
    ("FFT (funktionell familjeterapi)", AgencyKind.SOCIAL_SERVICES),
    ("Kvalificerad kontaktperson", AgencyKind.SOCIAL_SERVICES),
    ("Familje- eller ungdomsbehandlare", AgencyKind.SOCIAL_SERVICES),
    ("Anpassat schema", AgencyKind.SCHOOL),
    ("Nätverksmöte med föräldrarna", ""),
    ("Inslussad på fritidsgården", AgencyKind.LEISURE),
    ("Orosanmälan", ""),
    ("Samtal med polis", AgencyKind.POLICE),
]


class Intervention(models.Model):
    """One entry of a municipality's catalogue. An action picks one, or none ("other": the
    action's own text says what, and the statistics count it as "other" without the text)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150)
    agency_kind = models.CharField(
        _("usually given by"), max_length=20, choices=AgencyKind.choices, blank=True
    )
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "An intervention no longer in use is not offered for new actions; actions "
            "that used it keep it and are still counted."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="intervention_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class OutcomePoint(models.TextChoices):
    START = "start", _("At acceptance")
    FOLLOW_UP = "follow_up", _("At a follow-up")
    CLOSURE = "closure", _("At closure")


NOT_KNOWN = pgettext_lazy("outcome indicator", "Not known")


# Each indicator is ordinal: its choices run from worst to best, "unknown" last and outside the
# order. ``INDICATORS`` names them with their choices; the statistics compare start and closure.
class Attendance(models.TextChoices):
    LOW = "low", _("Extensive absence")
    PARTIAL = "partial", _("Some absence")
    FULL = "full", _("Attends as expected")
    UNKNOWN = "unknown", NOT_KNOWN


class Crime(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected of crime in the last three months")
    NONE = "none", _("No known crime in the last three months")
    UNKNOWN = "unknown", NOT_KNOWN


class SubstanceUse(models.TextChoices):
    REGULAR = "regular", _("Regular use")
    SOME = "some", _("Some use or experimenting")
    NONE = "none", _("No known use")
    UNKNOWN = "unknown", NOT_KNOWN


class GoalFulfilment(models.TextChoices):
    NOT = "not", _("Does not reach the school's goals")
    PARTLY = "partly", _("Reaches the school's goals in part")
    MEETS = "meets", _("Reaches the school's goals")
    UNKNOWN = "unknown", NOT_KNOWN


class Leisure(models.TextChoices):
    NO = "no", _("No meaningful leisure activity")
    YES = "yes", _("Has a meaningful leisure activity")
    UNKNOWN = "unknown", NOT_KNOWN


INDICATORS = {
    "school_attendance": Attendance,
    "crime": Crime,
    "substance_use": SubstanceUse,
    "goal_fulfilment": GoalFulfilment,
    "leisure": Leisure,
}
UNKNOWN = "unknown"


def rank(indicator, value):
    """The place of ``value`` on the indicator's scale (0 the worst), or None when not known."""
    if not value or value == UNKNOWN:
        return None
    return list(INDICATORS[indicator].values).index(value)


class OutcomeReading(models.Model):
    """The five indicators as they stood at one point of the case: at acceptance, at a
    follow-up or at closure. Codes only."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("case")
    )
    point = models.CharField(_("when"), max_length=10, choices=OutcomePoint.choices)
    recorded_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    school_attendance = models.CharField(
        _("school attendance"), max_length=10, choices=Attendance.choices
    )
    crime = models.CharField(_("crime"), max_length=10, choices=Crime.choices)
    substance_use = models.CharField(
        _("alcohol and drugs"), max_length=10, choices=SubstanceUse.choices
    )
    goal_fulfilment = models.CharField(
        _("goal fulfilment in school"), max_length=10, choices=GoalFulfilment.choices
    )
    leisure = models.CharField(_("leisure"), max_length=10, choices=Leisure.choices)

    class Meta:
        verbose_name = _("outcome indicators")
        verbose_name_plural = _("outcome indicators")
        ordering = ["recorded_on", "pk"]
        indexes = [models.Index(fields=["case", "point"])]

    def __str__(self):
        return f"{self.case_id} {self.point} {self.recorded_on}"
