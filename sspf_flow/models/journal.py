"""Documentation of personal circumstances (seed 000) and reports of concern."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly
from .case import Case
from .org import Agency


class JournalNote(AppendOnly):
    """Dated and signed by its author; never changed once saved. A correction is a new note
    that points at the note it corrects (SOSFS 2014:5)."""

    append_only_reason = "Journal notes cannot be changed or deleted; write a correction"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="journal", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    author_agency = models.ForeignKey(
        Agency, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    written_at = models.DateTimeField(_("written"), db_index=True)
    text = models.TextField(_("note"))
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects the note of"),
    )
    confidential_to_guardians = models.BooleanField(
        _("confidential toward the guardians (OSL 12:3)"), default=False
    )

    class Meta:
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"{self.case} {self.written_at:%Y-%m-%d %H:%M}"


class ConcernReport(models.Model):
    """That a report of concern (orosanmälan) to social services was made. SSPF never replaces
    it and it never waits for consent."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="concern_reports", verbose_name=_("case")
    )
    made_on = models.DateField(_("made on"))
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    to_whom = models.CharField(_("made to"), max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("report of concern")
        verbose_name_plural = _("reports of concern")
        ordering = ["made_on", "pk"]

    def __str__(self):
        return f"{self.case} {self.made_on}"


class IncidentKind(models.TextChoices):
    SUSPECTED_CRIME = "suspected_crime", _("Suspected of a crime")
    VICTIM = "victim", _("Victim of a crime or of violence")
    VIOLENCE = "violence", _("Threats or violence")
    SUBSTANCE = "substance", _("Alcohol or drugs")
    ABSENCE = "absence", _("Absence or leaving school")
    MISSING = "missing", _("Missing or ran away")
    OTHER = "other", _("Something else")


class Incident(AppendOnly):
    """Something that happened to or around the young person while the case runs, reported by
    a covered agency or the coordinator (seed 002: "varje händelse rapporteras"): when, a coded
    kind and a short text. It belongs to the reporting agency's information category."""

    append_only_reason = "An incident report is append-only: report a correction as a new one"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("case")
    )
    occurred_on = models.DateField(_("happened on"))
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    text = models.CharField(_("what happened"), max_length=500)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reported_at = models.DateTimeField(_("reported"))

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.case} {self.occurred_on} {self.kind}"
