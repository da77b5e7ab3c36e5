"""The coordinator's judgement of risk, need and receptivity (RBM, seed 004), made when the
referral is accepted and again at each follow-up; a new judgement never replaces an old one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly
from .case import Case, ConcernCategory, RiskLevel
from .plan import FollowUp


class Occasion(models.TextChoices):
    ACCEPTANCE = "acceptance", _("When accepted")
    FOLLOW_UP = "follow_up", _("At a follow-up")


class NeedLevel(models.TextChoices):
    """How much support the young person needs (the need principle: the support is aimed at
    the risk factors that drive the behaviour, and as much of it as they call for)."""

    LIMITED = "limited", _("Limited")
    MODERATE = "moderate", _("Moderate")
    EXTENSIVE = "extensive", _("Extensive")


class Receptivity(models.TextChoices):
    """Whether the young person can take in the support as it is (specific receptivity:
    motivation, language, ADHD, intellectual disability… — seed 004)."""

    GOOD = "good", _("Good")
    ADAPT = "adapt", _("Partly")
    LOW = "low", _("Low")


class Assessment(AppendOnly):
    """One assessment of risk, need and receptivity. ``Case.risk_level`` keeps the latest risk
    (the lists show it); these rows keep the history. ``outside_target_group`` says why SSPF
    was taken on although the referral was outside the municipality's target group."""

    append_only_reason = "Assessments are history: assess again instead"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("case")
    )
    at = models.DateTimeField(_("time"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    follow_up = models.ForeignKey(
        FollowUp,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("follow-up"),
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    need = models.CharField(_("need"), max_length=10, choices=NeedLevel.choices)
    need_areas = models.JSONField(_("need areas"), default=list, blank=True)
    need_text = models.CharField(_("need in words"), max_length=300, blank=True)
    receptivity = models.CharField(_("receptivity"), max_length=10, choices=Receptivity.choices)
    comment = models.TextField(_("comment"), blank=True)
    outside_target_group = models.TextField(_("why SSPF fits outside the target group"), blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.case} {self.occasion} {self.at:%Y-%m-%d}"

    def need_area_labels(self):
        return [ConcernCategory(a).label for a in self.need_areas if a in ConcernCategory.values]
