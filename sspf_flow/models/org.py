"""Municipality, agencies and which agency a user works for."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The role groups. A user's role is the Django group of that name."""

    COORDINATOR = "samordnare", _("SSPF coordinator")
    SCHOOL = "skola", _("School")
    SOCIAL_SERVICES = "socialtjanst", _("Social services")
    POLICE = "polis", _("Police")
    LEISURE = "fritid", _("Leisure")
    SAFETY = "trygghet", _("Safety and preparedness")
    STEERING_GROUP = "styrgrupp", _("Steering group")
    ADMIN = "admin", _("Administrator")


class AgencyKind(models.TextChoices):
    SCHOOL = "skola", _("School")
    SOCIAL_SERVICES = "socialtjanst", _("Social services")
    POLICE = "polis", _("Police")
    LEISURE = "fritid", _("Leisure")
    SAFETY = "trygghet", _("Safety and preparedness")
    OTHER = "ovrig", _("Other (e.g. child psychiatry, health care)")


def _luminance(hex_colour):
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def validate_header_colour(value):
    """The municipality's colour is the background of the white text in the top bar and on
    the buttons: it must be a #rrggbb colour dark enough for a 4.5:1 contrast (WCAG 2.1 AA)."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValidationError(_("Give the colour as # and six hexadecimal digits, e.g. #1d4f91."))
    ratio = 1.05 / (_luminance(value) + 0.05)
    if ratio < 4.5:
        raise ValidationError(
            _(
                "White text on this colour has a contrast of %(ratio).1f:1; at least 4.5:1 is "
                "needed to be readable. Choose a darker colour."
            ),
            params={"ratio": ratio},
        )


class RiskLevel(models.TextChoices):
    """A young person's risk level (the case's, an assessment's, a target group's)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def default_target_risk_levels():
    return list(RiskLevel.values)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("municipality code"), max_length=4, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[validate_header_colour],
        help_text=_(
            "The municipality's colour in the top bar and on buttons, e.g. #1d4f91. Empty: "
            "SSPF's own blue."
        ),
    )
    consent_age_alone = models.PositiveSmallIntegerField(
        _("age from which the young person consents alone"), default=18
    )
    consent_age_with_guardians = models.PositiveSmallIntegerField(
        _("age from which the young person consents together with the guardians"), default=15
    )
    # The deadline ladder (notifications.deadlines): reminder before → notice on the day →
    # escalation to the coordinator → escalation to the coordinator's manager.
    reminder_days = models.PositiveSmallIntegerField(
        _("days before a deadline that a reminder is sent"), default=3
    )
    escalate_to_coordinator_days = models.PositiveSmallIntegerField(
        _("days overdue before the coordinator is alerted"), default=3
    )
    escalate_to_manager_days = models.PositiveSmallIntegerField(
        _("days overdue before the coordinator's manager is alerted"), default=10
    )
    consent_expiry_notice_days = models.PositiveSmallIntegerField(
        _("days before a consent ends that the coordinator is reminded"), default=14
    )
    # How long a step of the process may take: its task's due date (sspf_flow.taskdue).
    # The consent step shares the ladder's wait: its task is due the day the coordinator is
    # reminded.
    assess_within_days = models.PositiveSmallIntegerField(
        _("days a referral may wait to be assessed"),
        default=7,
        help_text=_(
            "The task “Assess referral” is due this many days after the referral, or after the "
            "case is reopened."
        ),
    )
    consent_pending_days = models.PositiveSmallIntegerField(
        _("days a case may wait for consent before the coordinator is reminded"),
        default=14,
        help_text=_(
            "The task “Obtain consent” is due this many days after the case begins to wait "
            "for consent."
        ),
    )
    plan_within_days = models.PositiveSmallIntegerField(
        _("days a case may wait for its meeting to be planned"),
        default=14,
        help_text=_(
            "The task “Plan meeting” is due this many days after consent is registered, or "
            "after a follow-up that calls a new meeting."
        ),
    )

    # The target group (seed 004: "Tydligt definiera målgruppen" – age and risk level); a
    # referral outside it is flagged, and accepted only with a reason (guards.target_group).
    target_age_min = models.PositiveSmallIntegerField(
        _("youngest age in the target group"),
        default=13,
        help_text=_(
            "Age in whole years on the day of the referral. 13 as in the model routine for "
            "individual SSPF meetings (“young people aged 13 up to 18”); many municipalities "
            "use 12 or 10."
        ),
    )
    target_age_max = models.PositiveSmallIntegerField(
        _("oldest age in the target group"),
        default=17,
        help_text=_(
            "Age in whole years on the day of the referral. 17: up to the 18th birthday, as in "
            "the routine (“up to 18”) and the national guidance (“normally under 18”)."
        ),
    )
    target_risk_levels = models.JSONField(
        _("risk levels in the target group"),
        default=default_target_risk_levels,
        blank=True,
        help_text=_(
            "The risk levels SSPF takes on. Every level by default; a municipality that leaves "
            "low risk to the ordinary services, or high risk to SIG, unticks it."
        ),
    )

    # the steering group's statistics (reporting.suppression): a count from 1 below this shows
    # as "<3"; 3 is the usual rule for statistics about people, a larger area may choose 5
    statistics_threshold = models.PositiveSmallIntegerField(
        _("smallest number shown in the statistics"),
        default=3,
        validators=[MinValueValidator(2)],
        help_text=_(
            "Counts from 1 up to one below this show as “<3” (with the number chosen) in the "
            "steering group's report and every export, so that no young person can be "
            "recognised. At least 2."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    escalate_to_manager_days__gt=models.F("escalate_to_coordinator_days")
                ),
                name="municipality_escalation_order",
                violation_error_message=_(
                    "The coordinator's manager is alerted later than the coordinator: give more "
                    "days before the manager is alerted."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (
            self.target_age_min is not None
            and self.target_age_max is not None
            and self.target_age_min > self.target_age_max
        ):
            raise ValidationError(
                {
                    "target_age_max": _(
                        "The oldest age must be at least the youngest age (%(youngest)s)."
                    )
                    % {"youngest": self.target_age_min}
                }
            )
        unknown = set(self.target_risk_levels or []) - set(RiskLevel.values)
        if unknown or not self.target_risk_levels:
            raise ValidationError(
                {"target_risk_levels": _("Choose at least one of the risk levels.")}
            )


class Agency(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="agency_unique_name")
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """The one agency a user works for, and who their manager is (for escalations)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="members", verbose_name=_("agency")
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("manager"),
    )

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")

    def __str__(self):
        return f"{self.user} – {self.agency}"
