"""An anonymous consultation with the coordinator, before any referral: no personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case
from .org import Agency, Municipality
from .youth import Gender


class AgeBand(models.TextChoices):
    UNDER_12 = "under_12", _("Under 12")
    FROM_12 = "12_14", _("12–14")
    FROM_15 = "15_17", _("15–17")
    ADULT = "18_plus", _("18 or older")
    UNKNOWN = "unknown", _("Not known")


class ConsultationOutcome(models.TextChoices):
    ADVICE = "advice", _("Advice given")
    REFERRAL = "referral", _("Became a referral to SSPF")
    ELSEWHERE = "elsewhere", _("Directed to another service")
    NOTHING = "nothing", _("No further action")


class NotSSPFReason(models.TextChoices):
    """Why a consultation did not lead to SSPF (the steering report counts them)."""

    NO_CONSENT = "no_consent", _("No consent")
    NOT_CRIME_PREVENTIVE = "not_crime_preventive", _("Not a crime-preventive matter")
    OTHER = "other", _("Other reason")


class Consultation(models.Model):
    """Who asked (an agency), about whom only in bands and codes, and what came of it. There is
    deliberately no free text: it would invite names."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    asked_on = models.DateField(_("date"), db_index=True)
    asking_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("asking agency")
    )
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    concerns = models.JSONField(_("concerns"), default=list)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ConsultationOutcome.choices)
    not_sspf_reason = models.CharField(
        _("why it did not lead to SSPF"),
        max_length=25,
        choices=NotSSPFReason.choices,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    became_case = models.OneToOneField(
        Case,
        null=True,
        blank=True,
        # a consultation outlives the case it became: gallring deletes each by its own rule
        on_delete=models.SET_NULL,
        related_name="consultation",
        verbose_name=_("became the case"),
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-asked_on", "-pk"]

    def __str__(self):
        return f"{self.asked_on} {self.asking_agency}"
