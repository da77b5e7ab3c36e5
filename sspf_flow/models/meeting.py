"""Network and follow-up meetings."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .case import Case
from .network import NetworkPerson
from .org import Agency


class MeetingKind(models.TextChoices):
    INITIAL = "initial", _("Initial meeting")
    NETWORK = "network", _("Network meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")
    # e.g. the managers' meeting that decides on a measure (seed 004): needs no actions
    DECISION = "decision", _("Decision meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class MeetingQuerySet(models.QuerySet):
    def planned(self):
        return self.filter(status=MeetingStatus.PLANNED)

    def uninvite_all_but(self, agencies, network):
        """Take the invitees no consent covers any more off these meetings: the agencies
        outside ``agencies`` and the network persons outside ``network`` (primary keys).
        Returns ([meeting, agency] pairs, [meeting, network person] pairs) of keys."""
        gone_agencies, gone_network = [], []
        for meeting in self:
            gone_agencies += [[meeting.pk, pk] for pk in meeting.uninvite_all_but(agencies)]
            gone = list(
                meeting.invited_network.exclude(pk__in=network).values_list("pk", flat=True)
            )
            if gone:
                meeting.invited_network.remove(*gone)
                meeting._revise()
            gone_network += [[meeting.pk, pk] for pk in gone]
        return gone_agencies, gone_network


class Meeting(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    invited_agencies = models.ManyToManyField(
        Agency, related_name="meeting_invitations", verbose_name=_("invited agencies")
    )
    invited_network = models.ManyToManyField(
        NetworkPerson,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("invited network persons"),
    )
    invite_youth = models.BooleanField(_("the young person is invited"), default=True)
    invite_guardians = models.BooleanField(_("the guardians are invited"), default=True)
    attended_agencies = models.ManyToManyField(
        Agency, related_name="+", blank=True, verbose_name=_("agencies present")
    )
    attended_network = models.ManyToManyField(
        NetworkPerson, blank=True, related_name="+", verbose_name=_("network persons present")
    )
    youth_attended = models.BooleanField(_("the young person took part"), default=False)
    guardians_attended = models.BooleanField(_("guardians took part"), default=False)
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minute-taker"),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair"),
    )
    protocol = models.TextField(_("protocol"), blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    # The iCalendar SEQUENCE: raised each time the time or place changes, or the meeting is
    # cancelled, so calendars replace the invitation they already hold (same UID).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def _revise(self, **changes):
        """Store ``changes`` with a newer revision, so calendars replace what they hold."""
        Meeting.objects.filter(pk=self.pk).update(sequence=F("sequence") + 1, **changes)

    def record(self, attended_agencies, **held):
        """The meeting was held: who attended, the protocol, the chair and the minute-taker,
        when."""
        self.attended_agencies.set(attended_agencies)
        for name, value in held.items():
            setattr(self, name, value)
        self.status = MeetingStatus.HELD
        self.save()

    def cancel(self):
        self._revise(status=MeetingStatus.CANCELLED)

    def move(self, starts_at, place):
        self._revise(starts_at=starts_at, place=place)
        self.refresh_from_db()

    def uninvite_all_but(self, covered):
        """Take the invited agencies outside ``covered`` (primary keys) off the meeting; their
        calendars get a cancellation newer than their invitation. Returns the agencies' keys."""
        gone = list(self.invited_agencies.exclude(pk__in=covered).values_list("pk", flat=True))
        if gone:
            self.invited_agencies.remove(*gone)
            self._revise()
        return gone


class MeetingPicture(models.Model):
    """An invited agency's picture of the young person before a meeting (seed 001's
    "lägesbild"): what it knows, what it does, the strengths it sees and the risks. One per
    agency and meeting, revised by the agency until the meeting is held; then the protocol keeps
    it as it was (``records.write_picture`` refuses once the meeting is no longer planned). It
    belongs to the writing agency's information category (``categories.Sight.picture``)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="pictures", verbose_name=_("meeting")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"))
    updated_at = models.DateTimeField(_("updated"))
    knows = models.TextField(_("what the agency knows"))
    does = models.TextField(_("what the agency does"))
    strengths = models.TextField(_("strengths and protective factors"))
    risks = models.TextField(_("risks"))

    class Meta:
        verbose_name = _("picture before a meeting")
        verbose_name_plural = _("pictures before a meeting")
        ordering = ["agency__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="picture_once_per_agency")
        ]

    def __str__(self):
        return f"{self.meeting} {self.agency}"
