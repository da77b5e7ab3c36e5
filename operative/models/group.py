"""The operative group (seed 001): a municipality's (or area's) members from each agency with
their mandate, a chair and a secretary, its calendar of recurring meetings, the agenda's parts
(the agencies' pictures of the area, the group level, possible referrals) and the joint
commitments."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sspf_flow.models import ConcernCategory


def new_token():
    """A calendar feed's secret: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


class OperativeGroup(models.Model):
    municipality = models.ForeignKey(
        "sspf_flow.Municipality",
        on_delete=models.PROTECT,
        related_name="operative_groups",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=120)
    area = models.TextField(_("area"), blank=True)

    class Meta:
        verbose_name = _("operative group")
        verbose_name_plural = _("operative groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class GroupMember(models.Model):
    """One person in one group: their agency (taken from their membership when they join),
    what their mandate is, and their role. ``calendar_token`` opens their calendar feed."""

    group = models.ForeignKey(
        OperativeGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="operative_memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        "sspf_flow.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    mandate = models.CharField(_("mandate"), max_length=300, blank=True)
    role = models.CharField(
        _("role in the group"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_token, editable=False
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "agency__name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if self.agency_id is None:
            self.agency = self.user.membership.agency  # the agency they represent
        super().save(*args, **kwargs)


class MeetingSeries(models.Model):
    """The group's recurring calendar: from ``first_day`` on its weekday at ``time``, every
    ``every_weeks`` weeks, until ``until`` (or on). Its meetings are made ahead up to
    ``made_until`` (``services.extend_series``)."""

    group = models.ForeignKey(
        OperativeGroup, on_delete=models.CASCADE, related_name="series", verbose_name=_("group")
    )
    first_day = models.DateField(_("first meeting"))
    time = models.TimeField(_("time"))
    every_weeks = models.PositiveSmallIntegerField(_("every … weeks"))
    place = models.CharField(_("place"), max_length=200)
    until = models.DateField(_("until"), null=True, blank=True)
    made_until = models.DateField(_("meetings made until"))
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("planned by"),
    )
    planned_at = models.DateTimeField(_("planned"))

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return f"{self.group}: {self.first_day:%Y-%m-%d} +{self.every_weeks}w"


class GroupMeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class GroupMeeting(models.Model):
    """One meeting of the group. ``slot`` is the series' day it was made for (it stays when the
    meeting moves, so extending the series never makes it again); ``sequence`` is its iCalendar
    revision, raised when it moves or is cancelled; ``reminded_at`` is set when the reminder
    the day before was queued (claimed by a conditional UPDATE, so it goes once)."""

    group = models.ForeignKey(
        OperativeGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("series"),
    )
    slot = models.DateField(_("day in the series"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GroupMeetingStatus.choices,
        default=GroupMeetingStatus.PLANNED,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    reminded_at = models.DateTimeField(_("reminder queued"), null=True, blank=True)
    present = models.ManyToManyField(
        GroupMember, blank=True, related_name="attended", verbose_name=_("present")
    )

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "slot"], name="group_meeting_slot_once")
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="group_meeting_due")]

    def __str__(self):
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"


class AreaPicture(models.Model):
    """One agency's picture of the area before a meeting (seed 001: "allmän information"):
    trends, places, times and universal measures. It names no one. Written by the agency's
    member(s) of the group, revisable until the meeting starts, kept as it was after."""

    meeting = models.ForeignKey(
        GroupMeeting,
        on_delete=models.CASCADE,
        related_name="area_pictures",
        verbose_name=_("group meeting"),
    )
    agency = models.ForeignKey(
        "sspf_flow.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    trends = models.TextField(_("trends"), blank=True)
    places = models.TextField(_("places"), blank=True)
    times = models.TextField(_("times"), blank=True)
    measures = models.TextField(_("universal measures"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated"))

    TEXTS = ("trends", "places", "times", "measures")

    class Meta:
        verbose_name = _("picture of the area")
        verbose_name_plural = _("pictures of the area")
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="area_picture_once")
        ]

    def __str__(self):
        return f"{self.meeting} {self.agency}"


class GroupItem(models.Model):
    """The group level (seed 001): a group of young people described without names — who they
    are in a few words, where, what is seen, what is proposed. Its members are named only by
    their SSPF cases (``cases``), where a consent covers them: each reader sees the names of
    the cases they may read, no one else's."""

    meeting = models.ForeignKey(
        GroupMeeting,
        on_delete=models.CASCADE,
        related_name="group_items",
        verbose_name=_("group meeting"),
    )
    description = models.CharField(_("the group, without names"), max_length=300)
    area = models.CharField(_("area"), max_length=200)
    seen = models.TextField(_("what is seen"))
    measures = models.TextField(_("proposed measures"), blank=True)
    agency = models.ForeignKey(
        "sspf_flow.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"))
    cases = models.ManyToManyField(
        "sspf_flow.Case",
        blank=True,
        related_name="group_items",
        verbose_name=_("named young people"),
    )

    TEXTS = ("description", "area", "seen", "measures")

    class Meta:
        verbose_name = _("group-level item")
        verbose_name_plural = _("group-level items")
        ordering = ["meeting", "written_at", "pk"]

    def __str__(self):
        return f"{self.meeting}: {self.description}"


class PossibleReferral(models.Model):
    """A new concern raised in the area talk, recorded as an anonymous consultation (ages in
    bands, concerns as codes, no free text) that the coordinator can make a referral of."""

    meeting = models.ForeignKey(
        GroupMeeting,
        on_delete=models.CASCADE,
        related_name="possible_referrals",
        verbose_name=_("group meeting"),
    )
    consultation = models.OneToOneField(
        "sspf_flow.Consultation",
        on_delete=models.CASCADE,
        related_name="raised_at",
        verbose_name=_("consultation"),
    )

    class Meta:
        verbose_name = _("possible referral")
        verbose_name_plural = _("possible referrals")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return f"{self.meeting}: {self.consultation}"

    @property
    def concern_labels(self):
        return [
            ConcernCategory(code).label
            for code in self.consultation.concerns
            if code in ConcernCategory.values
        ]


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("commitment status", "Open")
    DONE = "done", pgettext_lazy("commitment status", "Done")
    NOT_DONE = "not_done", pgettext_lazy("commitment status", "Not done")


class Commitment(models.Model):
    """A joint commitment (seed 001: "gemensamma åtaganden") made at a meeting: what is to be
    done (naming no one), the member agency responsible and by when. Followed up on the next
    meetings' agendas until it is done or not done. ``reminded_at`` and ``overdue_at`` are set
    when the reminder before the due date and the notice once it has passed were queued (each
    claimed by a conditional UPDATE, so each goes once)."""

    meeting = models.ForeignKey(
        GroupMeeting,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("made at"),
    )
    text = models.TextField(_("the commitment"))
    agency = models.ForeignKey(
        "sspf_flow.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible agency"),
    )
    due = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    comment = models.TextField(_("comment"), blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    made_at = models.DateTimeField(_("recorded"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder queued"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue notice queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint commitment")
        verbose_name_plural = _("joint commitments")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="commitment_due")]

    def __str__(self):
        return f"{self.meeting}: {self.agency} {self.due:%Y-%m-%d}"
