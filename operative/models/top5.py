"""Top 5 (seed 001, Bilaga 1): social services and the police choose at most five young people
or driving key persons with a wider picture of problems (drugs, crime) and make sure that the
right support and measures are put in. They meet every eighth week to choose anew
(``Top5Selection``); each person on the list (``Top5Entry``) has the reason they were chosen and
the legal ground the agencies share information on; each one's measures (``Top5Measure``) are
kept by the agency responsible. After four months the two agencies evaluate, de-identified,
for the coordination and steering groups (``operative.top5_evaluation``).

Only the group's police and social services members read it (``access.works_programmes``)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .programmes import ProgrammeEntry

SELECTION_WEEKS = 8  # seed 001: "Polis och socialtjänst träffas var 8:e vecka"
MOST_ON_THE_LIST = 5  # seed 001: "fem ungdomar eller drivande nyckelpersoner"


class Top5Selection(models.Model):
    """A selection meeting of the group's police and social services: when, who recorded it,
    a short note. The next one is due ``SELECTION_WEEKS`` after the latest; ``reminded_at`` is
    set when its reminder was queued (claimed by a conditional UPDATE, so it goes once)."""

    group = models.ForeignKey(
        "operative.OperativeGroup",
        on_delete=models.PROTECT,
        related_name="top5_selections",
        verbose_name=_("operative group"),
    )
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    reminded_at = models.DateTimeField(_("reminder queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("Top 5 selection meeting")
        verbose_name_plural = _("Top 5 selection meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["group", "-held_on"], name="top5_selection_latest")]

    def __str__(self):
        return f"{self.group} {self.held_on:%Y-%m-%d}"

    @property
    def next_due(self):
        """The day the next selection meeting is due."""
        return self.held_on + dt.timedelta(weeks=SELECTION_WEEKS)


class Top5LegalGround(models.TextChoices):
    CONSENT = "consent", _("Consent (the person's SSPF case)")
    OSL_10_18A = "osl_10_18a", _("OSL 10 ch. 18 a § (social services and police, under 21)")
    OTHER = "other", _("Another named ground")


class Top5EndReason(models.TextChoices):
    GOALS_REACHED = "goals", _("Goals reached")
    MOVED = "moved", _("Moved from the municipality")
    IN_CARE = "care", _("In care (SiS, HVB)")
    PROSECUTED = "prosecuted", _("Prosecuted or sentenced")
    REPLACED = "replaced", _("Replaced at a selection")
    OTHER = "other", _("Other reason")


class Top5Entry(ProgrammeEntry):
    """A person on the group's Top 5 list: chosen at a selection meeting, why, and on which
    legal ground the two agencies share what they know (a consent names the person's SSPF case;
    another ground is named in words). Taken off the list with a day and a coded reason."""

    selection = models.ForeignKey(
        Top5Selection,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("chosen at"),
    )
    reason = models.TextField(_("why this person"))
    legal_ground = models.CharField(
        _("legal ground"), max_length=12, choices=Top5LegalGround.choices
    )
    other_ground = models.CharField(_("the ground, named"), max_length=200, blank=True)
    ended_on = models.DateField(_("taken off the list"), null=True, blank=True)
    end_reason = models.CharField(
        _("why taken off"), max_length=12, choices=Top5EndReason.choices, blank=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("taken off by"),
    )

    class Meta:
        verbose_name = _("person on the Top 5 list")
        verbose_name_plural = _("persons on the Top 5 list")
        ordering = ["added_at", "pk"]
        indexes = [models.Index(fields=["group", "ended_on"], name="top5_entry_current")]

    def __str__(self):
        return f"{self.group}: {self.youth}"

    @property
    def ground_label(self):
        """The legal ground as the list shows it (a named ground by its name)."""
        if self.legal_ground == Top5LegalGround.OTHER and self.other_ground:
            return self.other_ground
        return self.get_legal_ground_display()


class Top5MeasureStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("measure status", "Open")
    ONGOING = "ongoing", pgettext_lazy("measure status", "Ongoing")
    DONE = "done", pgettext_lazy("measure status", "Done")
    NOT_DONE = "not_done", pgettext_lazy("measure status", "Not done")


class Top5Measure(models.Model):
    """A measure for a person on the list: which agency answers for it (police, social
    services or another of the municipality), what, since when, and how it goes."""

    entry = models.ForeignKey(
        Top5Entry, on_delete=models.CASCADE, related_name="measures", verbose_name=_("person")
    )
    agency = models.ForeignKey(
        "sspf_flow.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible agency"),
    )
    what = models.CharField(_("the measure"), max_length=300)
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Top5MeasureStatus.choices,
        default=Top5MeasureStatus.OPEN,
    )
    comment = models.TextField(_("comment"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("Top 5 measure")
        verbose_name_plural = _("Top 5 measures")
        ordering = ["started_on", "pk"]

    def __str__(self):
        return f"{self.entry}: {self.what}"
