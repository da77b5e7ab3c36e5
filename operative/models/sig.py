"""SIG (seed 002: "Samverkan i grupp", for young people at higher risk, seed 004): the police's
priority list, the offer made to each person on it and their answer (several decline to work
with the police), the cohort taken in with a coach ("lots-funktionen"), a dated status note per
person in the cohort and a coded closure reason. Everything here names young people: read and
kept by the group's police and social services members (``access.works_programmes``), a
person's status also by their coach (``access.coaches``); written only by ``operative.sig``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .programmes import ProgrammeEntry


class SigCohort(models.Model):
    """A round of SIG in a group (seed 002: "Pilotomgång med 5 ungdomar") with its coach."""

    group = models.ForeignKey(
        "operative.OperativeGroup",
        on_delete=models.PROTECT,
        related_name="sig_cohorts",
        verbose_name=_("operative group"),
    )
    name = models.CharField(_("name"), max_length=120)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sig_cohorts",
        verbose_name=_("coach"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    made_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("SIG cohort")
        verbose_name_plural = _("SIG cohorts")
        ordering = ["group", "-started_on", "pk"]

    def __str__(self):
        return self.name


class SigAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class SigDeclineReason(models.TextChoices):
    NO_POLICE = "no_police", _("Does not want to work with the police")
    FAMILY_SAYS_NO = "family_says_no", _("The family says no")
    NO_CONTACT = "no_contact", _("No contact reached")
    OTHER = "other", _("Other reason")


class SigClosureReason(models.TextChoices):
    NEEDS_SIS = "needs_sis", _("Needs a placement (SiS)")
    MOVED = "moved", _("Moves from the municipality")
    NOT_SUITABLE = "not_suitable", _("This form of collaboration is not suitable")
    LOW_RISK = "low_risk", _("No need of extensive support (low risk)")
    GOALS_REACHED = "goals_reached", _("The goals are reached")
    OTHER = "other", _("Other reason")


class SigStage(models.TextChoices):
    """Where a person stands, derived from their dates (``SigEntry.stage``)."""

    LISTED = "listed", _("On the priority list")
    OFFERED = "offered", _("Offered")
    DECLINED = "declined", pgettext_lazy("SIG offer", "Declined")
    ACCEPTED = "accepted", pgettext_lazy("SIG offer", "Accepted, not yet taken in")
    IN_COHORT = "in_cohort", _("In the cohort")
    CLOSED = "closed", pgettext_lazy("SIG person", "Closed")


class SigEntry(ProgrammeEntry):
    """A young person on the police's priority list of a group, and how it went with them."""

    listed_on = models.DateField(_("on the priority list since"))
    offered_on = models.DateField(_("offered on"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=SigAnswer.choices, default=SigAnswer.PENDING
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    declined_reason = models.CharField(
        _("why they declined"), max_length=20, choices=SigDeclineReason.choices, blank=True
    )
    declined_text = models.CharField(_("declined: other reason"), max_length=300, blank=True)
    cohort = models.ForeignKey(
        SigCohort,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("cohort"),
    )
    consented_on = models.DateField(
        _("the young person and guardians consented on"), null=True, blank=True
    )
    joined_on = models.DateField(_("taken into the cohort on"), null=True, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sig_coached",
        verbose_name=_("coach"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=SigClosureReason.choices, blank=True
    )
    closure_text = models.CharField(_("closure: other reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("SIG person")
        verbose_name_plural = _("SIG persons")
        ordering = ["group", "listed_on", "pk"]

    def __str__(self):
        return f"{self.youth} (SIG)"

    @property
    def stage(self):
        if self.closed_on is not None:
            return SigStage.CLOSED
        if self.joined_on is not None:
            return SigStage.IN_COHORT
        if self.answer == SigAnswer.DECLINED:
            return SigStage.DECLINED
        if self.answer == SigAnswer.ACCEPTED:
            return SigStage.ACCEPTED
        if self.offered_on is not None:
            return SigStage.OFFERED
        return SigStage.LISTED

    def get_stage_display(self):
        return self.stage.label


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", pgettext_lazy("SIG status", "Not known")


class SigStatus(models.Model):
    """A dated status note for a person in the cohort (seed 002's results: still committing
    crimes, drug use still a problem, months without a known crime)."""

    entry = models.ForeignKey(
        SigEntry, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("SIG person")
    )
    day = models.DateField(_("date"))
    crimes = models.CharField(
        _("still committing crimes"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    drugs = models.CharField(
        _("drug use a problem"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    school_or_work = models.CharField(
        _("in school or work"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    months_without_crime = models.PositiveSmallIntegerField(
        _("months without a known crime"), null=True, blank=True
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("SIG status note")
        verbose_name_plural = _("SIG status notes")
        ordering = ["entry", "-day", "-pk"]

    def __str__(self):
        return f"{self.entry}: {self.day:%Y-%m-%d}"
