"""Gallring: the municipality's rules for how long each kind of record is kept (its
dokumenthanteringsplan), the legal holds that stop gallring of one case, and the record of each
run. The work itself is ``sspf_flow.retention``.

Nothing here names a case or a young person except ``LegalHold.case``: a run is recorded as
counts per municipality, kind of record and action."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .case import Case
from .org import Municipality


class RecordType(models.TextChoices):
    CASE = "case", _("Closed cases")
    CONSULTATION = "consultation", _("Consultations")
    ACCESS_LOG = "access_log", _("Access log")


class RetentionAction(models.TextChoices):
    DEIDENTIFY = "deidentify", _("De-identify (the codes for the statistics are kept)")
    PURGE = "purge", _("Delete")


# Shown as help, never applied by themselves: until the administrator sets a rule, nothing goes.
SUGGESTED = {
    RecordType.CASE: (5, RetentionAction.DEIDENTIFY),
    RecordType.CONSULTATION: (2, RetentionAction.PURGE),
    RecordType.ACCESS_LOG: (5, RetentionAction.PURGE),
}


class RetentionRule(models.Model):
    """After ``years`` — from a case's closure, a consultation's date, an access-log row's
    time — the record is de-identified or deleted. Consultations and the access log are only
    ever deleted."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="retention_rules",
        verbose_name=_("municipality"),
    )
    record_type = models.CharField(_("kind of record"), max_length=20, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        _("years"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Counted from the day a case was closed, the day of a consultation, or the time "
            "of an access-log entry. Suggested: closed cases 5 years (de-identify), "
            "consultations 2 years, access log 5 years — follow your municipality's records "
            "management plan."
        ),
    )
    action = models.CharField(
        _("what happens"),
        max_length=12,
        choices=RetentionAction.choices,
        default=RetentionAction.PURGE,
        help_text=_("Consultations and the access log are always deleted."),
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["municipality", "record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type"], name="retention_rule_once"
            ),
            models.CheckConstraint(
                condition=Q(record_type="case") | Q(action="purge"),
                name="retention_only_cases_deidentified",
            ),
            models.CheckConstraint(condition=Q(years__gte=1), name="retention_years_positive"),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.get_record_type_display()} {self.years}"


class HoldReason(models.TextChoices):
    REQUEST = "request", _("A pending request (e.g. a register extract or a request for records)")
    INVESTIGATION = "investigation", _("An investigation (e.g. by IVO, JO or the police)")
    COMPLAINT = "complaint", _("A complaint or an appeal")
    OTHER = "other", _("Other reason")


class LegalHold(models.Model):
    """While a hold is in force (not lifted) the case is neither de-identified nor deleted,
    whatever the rules say. Placed and lifted by the coordinator through ``sspf_flow.holds``."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="holds", verbose_name=_("case")
    )
    reason = models.CharField(_("reason"), max_length=15, choices=HoldReason.choices)
    text = models.CharField(_("what the hold is about"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(lifted_at__isnull=True), name="one_hold_in_force"
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.reason} {self.placed_at:%Y-%m-%d}"


class Trigger(models.TextChoices):
    BEAT = "beat", _("The daily job")
    COMMAND = "command", _("The command gallring")
    USER = "user", _("A user")


class RetentionRun(models.Model):
    """One run of gallring, or a dry run: when, who or what started it, and what went (or would
    go) as counts. ``counts`` is a list of {"municipality", "record_type", "action", "count",
    "held"}; no case number and no name is ever stored here."""

    day = models.DateField(_("day"))
    dry_run = models.BooleanField(_("dry run"))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=list, blank=True)
    youth_kept = models.PositiveIntegerField(
        _("young people kept"),
        default=0,
        help_text=_("Young people kept because another record still refers to them."),
    )
    failed = models.PositiveIntegerField(_("cases that could not be handled"), default=0)

    class Meta:
        verbose_name = _("gallring run")
        verbose_name_plural = _("gallring runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # the daily job claims its day by this row: two beats on one day make one run
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(trigger="beat", dry_run=False),
                name="one_daily_gallring",
            )
        ]

    def __str__(self):
        return f"{self.day} {'dry' if self.dry_run else 'run'} {self.trigger}"
