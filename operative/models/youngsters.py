"""Youngsters (seed 001, Bilaga 1): social services and the police notice together young people
up to 18 with an early negative, norm-breaking behaviour, hold a concern talk
("bekymringssamtal") with the guardians and the young person, at home or elsewhere, agree on
measures and call a follow-up meeting on them. A track ends with a coded outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .programmes import ProgrammeEntry


class YoungstersOutcome(models.TextChoices):
    CONCERN_GONE = "concern_gone", _("The agreed measures were kept and the concern is gone")
    REFERRED_SSPF = "referred_sspf", _("Referred to individual SSPF")
    SOCIAL_SERVICES = (
        "social_services",
        _("Social services opened an investigation or gave an intervention"),
    )
    DECLINED = "declined", _("The family declined")
    MOVED = "moved", _("Moved from the municipality")
    OTHER = "other", _("Other outcome")


class YoungstersTrack(ProgrammeEntry):
    """One young person taken up in Youngsters by a group: what was noticed (restricted to
    those who work the programme), when it opened and, once it ends, the coded outcome."""

    noticed = models.TextField(_("what was noticed"))
    opened_on = models.DateField(_("opened on"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=YoungstersOutcome.choices, blank=True
    )
    outcome_text = models.TextField(_("about the outcome"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("Youngsters track")
        verbose_name_plural = _("Youngsters tracks")
        ordering = ["-opened_on", "-pk"]

    def __str__(self):
        return f"{self.youth} ({self.opened_on:%Y-%m-%d})"

    @property
    def is_open(self):
        return self.closed_on is None


class TalkKind(models.TextChoices):
    TALK = "talk", _("Concern talk")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")


class TalkPlace(models.TextChoices):
    HOME = "home", _("At home")
    ELSEWHERE = "elsewhere", _("Elsewhere")


class TalkStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("talk status", "Planned")
    HELD = "held", pgettext_lazy("talk status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("talk status", "Cancelled")


class ConcernTalk(models.Model):
    """A concern talk or its follow-up meeting: police and social services (members of the
    group, at least one of each) with the guardians and the young person, at home or
    elsewhere. Once held: who of the family was there and a short record."""

    track = models.ForeignKey(
        YoungstersTrack, on_delete=models.CASCADE, related_name="talks", verbose_name=_("track")
    )
    kind = models.CharField(_("kind of meeting"), max_length=10, choices=TalkKind.choices)
    starts_at = models.DateTimeField(_("time"))
    where = models.CharField(_("where"), max_length=10, choices=TalkPlace.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "operative.GroupMember", related_name="+", verbose_name=_("police and social services")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TalkStatus.choices, default=TalkStatus.PLANNED
    )
    guardians_present = models.BooleanField(_("guardians present"), default=False)
    youth_present = models.BooleanField(_("the young person present"), default=False)
    record = models.TextField(_("record of the talk"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("planned by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("concern talk")
        verbose_name_plural = _("concern talks")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class MeasureParty(models.TextChoices):
    POLICE = "police", _("The police")
    SOCIAL_SERVICES = "social_services", _("Social services")
    GUARDIAN = "guardian", _("Guardian")
    YOUTH = "youth", _("The young person")
    SCHOOL = "school", _("School")
    LEISURE = "leisure", _("Leisure")


class MeasureStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("youngsters measure status", "Open")
    DONE = "done", pgettext_lazy("youngsters measure status", "Done")
    NOT_DONE = "not_done", pgettext_lazy("youngsters measure status", "Not done")


class AgreedMeasure(models.Model):
    """A measure agreed at a talk: what, who answers for it, by when; followed up at the
    follow-up meeting (``followed_up_at``), where its status is set."""

    talk = models.ForeignKey(
        ConcernTalk, on_delete=models.CASCADE, related_name="measures", verbose_name=_("agreed at")
    )
    text = models.TextField(_("the measure"))
    responsible = models.CharField(_("responsible"), max_length=20, choices=MeasureParty.choices)
    due = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    comment = models.TextField(_("comment"), blank=True)
    followed_up_at = models.ForeignKey(
        ConcernTalk,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_measures",
        verbose_name=_("followed up at"),
    )

    class Meta:
        verbose_name = _("agreed measure")
        verbose_name_plural = _("agreed measures")
        ordering = ["talk__starts_at", "pk"]

    def __str__(self):
        return self.text[:60]
