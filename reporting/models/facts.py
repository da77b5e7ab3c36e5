"""De-identified facts kept for the statistics: one row per case and per consultation, and a
row per dated thing that happened to a case (a consent given or withdrawn, a meeting held, an
action decided). Codes, dates and ages only: no name, no identity number, no free text.

The case's row is rebuilt from the case while the case exists (``reporting.facts``); gallring
removes the case but not its facts (``on_delete=SET_NULL``), so a report for a past period is the
same before and after gallring."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import Case, Consultation, Municipality


class GradeBand(models.TextChoices):
    PRIMARY = "f_4", _("Grade F–4")
    MIDDLE = "5_6", _("Grade 5–6")
    LOWER_SECONDARY = "7_9", _("Grade 7–9")
    UPPER_SECONDARY = "gymnasium", _("Upper secondary school")
    UNKNOWN = "unknown", _("Not known")


class CaseFact(models.Model):
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="fact"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # set when something happened to the case since the row was last built
    stale = models.BooleanField(default=True)
    programme = models.CharField(max_length=20, blank=True)
    referred_on = models.DateField(null=True, db_index=True)
    referral_source = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    age = models.PositiveSmallIntegerField(null=True)  # whole years on the day of the referral
    grade_band = models.CharField(max_length=10, choices=GradeBand.choices, blank=True)
    # the concerns' codes between commas (",crime,school_absence,"): counted with one LIKE each
    concern_codes = models.CharField(max_length=300, blank=True)
    risk_level = models.CharField(max_length=10, blank=True)
    accepted_on = models.DateField(null=True)
    consented_on = models.DateField(null=True)
    first_meeting_on = models.DateField(null=True)
    closed_on = models.DateField(null=True, db_index=True)
    closure_reason = models.CharField(max_length=30, blank=True)
    declined = models.BooleanField(default=False)  # closed before it was accepted
    social_intervention = models.CharField(max_length=12, blank=True)
    # the outcome indicators at acceptance and at closure: {indicator: code}
    outcome_start = models.JSONField(default=dict)
    outcome_end = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "referred_on"], name="fact_referred"),
            models.Index(fields=["municipality", "closed_on"], name="fact_closed"),
            models.Index(fields=["stale"], condition=models.Q(stale=True), name="fact_stale"),
        ]

    def __str__(self):
        return f"fact {self.pk}"


class Happening(models.TextChoices):
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    MEETING_HELD = "meeting_held", _("Meeting held")
    ACTION_DECIDED = "action_decided", _("Action decided")


class CaseHappening(models.Model):
    """One dated thing in a case's life: ``detail`` is a code (the meeting's kind, the kind of
    agency responsible for an action), ``intervention`` the catalogue's name ("" for other)."""

    fact = models.ForeignKey(CaseFact, on_delete=models.CASCADE, related_name="happenings")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Happening.choices)
    on = models.DateField()
    detail = models.CharField(max_length=30, blank=True)
    intervention = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "kind", "on"], name="happening_on")]

    def __str__(self):
        return f"{self.kind} {self.on}"


class ConsultationFact(models.Model):
    consultation = models.OneToOneField(
        Consultation, null=True, blank=True, on_delete=models.SET_NULL, related_name="fact"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField()
    asking_kind = models.CharField(max_length=20)
    age_band = models.CharField(max_length=10)
    gender = models.CharField(max_length=10)
    outcome = models.CharField(max_length=10)
    not_sspf_reason = models.CharField(max_length=25, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "asked_on"], name="consultation_fact_on")]

    def __str__(self):
        return f"consultation fact {self.pk}"
