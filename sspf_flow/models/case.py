"""The case and its legal state.

``status`` is a protected FSM field: only the transition methods below change it, and only
``sspf_flow.services`` calls them (after checking permission and the guards in ``guards``).
"""

import functools
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .org import Agency, Municipality, RiskLevel
from .youth import Youth


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    CONSENTED = "consented", _("Consent given")
    MEETING_PLANNED = "meeting_planned", _("Meeting planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


_SLOT = "__number__"


@functools.lru_cache(maxsize=16)
def _case_page(prefix, resolver):
    """The case page's address around its number (what comes before it and after), asked of
    ``reverse`` once per script prefix and URL configuration."""
    before, _slot, after = reverse("sspf:case_detail", args=[_SLOT]).rpartition(_SLOT)
    return before, after


def case_url(number):
    """The page of the case with ``number``, as ``reverse`` gives it: a busy overview links
    some 150 cases, and ``reverse`` for each took a tenth of its page (issue 11)."""
    before, after = _case_page(get_script_prefix(), get_resolver(get_urlconf()))
    return f"{before}{quote(number, safe=RFC3986_SUBDELIMS + '~:@')}{after}"


OPEN_AFTER_CONSENT = [Status.CONSENTED, Status.MEETING_PLANNED, Status.IN_PROGRESS]
OPEN_STATES = [Status.AWAITING_CONSENT, *OPEN_AFTER_CONSENT]


class Programme(models.TextChoices):
    INDIVIDUAL = "sspf", _("Individual SSPF")
    YOUNGSTERS = "youngsters", _("Youngsters")
    TOP5 = "top5", _("Top 5")
    SIG = "sig", _("SIG")


class ReferralSource(models.TextChoices):
    SCHOOL = "skola", _("School")
    SOCIAL_SERVICES = "socialtjanst", _("Social services")
    POLICE = "polis", _("Police")
    LEISURE = "fritid", _("Leisure")
    SAFETY = "trygghet", _("Safety and preparedness")
    OTHER_AGENCY = "ovrig", _("Other agency")
    GUARDIAN = "vardnadshavare", _("Guardian")
    YOUTH = "ungdom", _("The young person")


class ConcernCategory(models.TextChoices):
    SCHOOL_ABSENCE = "school_absence", _("School absence")
    SCHOOL_RESULTS = "school_results", _("Weak school results")
    SUBSTANCE_USE = "substance_use", _("Alcohol, drugs or tobacco")
    CRIMINAL_PEERS = "criminal_peers", _("Criminal peers or gang contacts")
    CRIME = "crime", _("Suspected of crime")
    VIOLENCE = "violence", _("Violence or threats")
    NORM_BREAKING = "norm_breaking", _("Other norm-breaking behaviour")
    FAMILY = "family", _("Family situation")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    OTHER = "other", _("Other")


class ProtectiveFactor(models.TextChoices):
    SCHOOL_ENGAGEMENT = "school_engagement", _("Engaged in school")
    LEISURE_ACTIVITY = "leisure_activity", _("Meaningful leisure activity")
    FAMILY_SUPPORT = "family_support", _("Supportive family")
    TRUSTED_ADULT = "trusted_adult", _("A trusted adult")
    PROSOCIAL_PEERS = "prosocial_peers", _("Prosocial friends")
    MOTIVATION = "motivation", _("Own motivation to change")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met: protection up and risks down")
    NEEDS_TOO_EXTENSIVE = (
        "needs_too_extensive",
        _("Needs too extensive – coordinated by social services"),
    )
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CONSENT_NOT_GIVEN = "consent_not_given", _("Consent not given or not realised")
    MOVED = "moved", _("Moved away")
    PLACEMENT = "placement", _("Placement (e.g. SiS)")
    NOT_SUITABLE = "not_suitable", _("Collaboration form not suitable")
    LOW_RISK = "low_risk", _("Low risk – no extensive support needed")
    OUTSIDE_TARGET_GROUP = "outside_target_group", _("Outside the target group")
    OTHER = "other", _("Other")


class SocialIntervention(models.TextChoices):
    """What followed the referral from social services (seed 002: half got a needs-assessed
    intervention, half of those extensive; about one in five was "keep an eye on it")."""

    LIGHT = "light", _("Needs-assessed intervention, light")
    EXTENSIVE = "extensive", _("Needs-assessed intervention, extensive")
    KEEP_WATCH = "keep_watch", _("No intervention – “keep an eye on it”")
    NONE = "none", _("No needs-assessed intervention")


class CaseNumberSequence(models.Model):
    """The last number handed out per year, locked while the next one is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def take(cls, year):
        """The year's next number, the row locked until the transaction ends."""
        sequence, _created = cls.objects.select_for_update().get_or_create(year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return sequence.last


class Case(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("case number"), max_length=30, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("municipality"),
    )
    youth = models.ForeignKey(
        Youth, on_delete=models.PROTECT, related_name="cases", verbose_name=_("young person")
    )
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, default=Programme.INDIVIDUAL
    )
    status = FSMField(
        _("status"),
        default=Status.REFERRED,
        choices=Status.choices,
        protected=True,
        db_index=True,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_cases",
        verbose_name=_("coordinator"),
    )
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=ReferralSource.choices
    )
    referring_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring agency"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_cases",
        verbose_name=_("referring person"),
    )
    concerns = models.JSONField(_("concerns"), default=list, blank=True)
    concern_text = models.TextField(_("description of the concern"))
    protective_factors = models.JSONField(_("protective factors"), default=list, blank=True)
    protective_text = models.TextField(_("description of protective factors"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )

    referred_at = models.DateTimeField(_("referred"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    consented_at = models.DateTimeField(_("consent registered"), null=True, blank=True)
    first_meeting_at = models.DateTimeField(_("first meeting held"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=30, choices=ClosureReason.choices, blank=True
    )
    closure_text = models.TextField(_("closure comment"), blank=True)
    social_intervention = models.CharField(
        _("needs-assessed intervention from social services"),
        max_length=12,
        choices=SocialIntervention.choices,
        blank=True,
        help_text=_(
            "Whether a needs-assessed intervention (biståndsbedömd insats) followed the "
            "referral, light or extensive. Empty: not yet known."
        ),
    )
    # set by gallring (``sspf_flow.retention``): names, identity and every free text are gone
    deidentified_at = models.DateTimeField(_("de-identified"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-referred_at"]
        permissions = [
            ("refer_case", _("Can refer a young person to SSPF")),
            ("coordinate_case", _("Can coordinate SSPF cases")),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            # the case list: a municipality's cases, the latest referred first
            models.Index(fields=["municipality", "-referred_at"], name="case_list_order"),
            # a coordinator's open cases (the overview, the menu's badge), read from the index
            models.Index(
                fields=["coordinator", "municipality", "id"],
                condition=~models.Q(status="closed"),
                name="case_open_by_coordinator",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        """The case page (it asks the access module again: a link reveals nothing)."""
        return case_url(self.number)

    @property
    def is_open(self):
        return self.status != Status.CLOSED

    def current_plan(self, *prefetch):
        """The action plan in force: the latest version, or None before the first meeting."""
        return self.plans.order_by("-version").prefetch_related(*prefetch).first()

    # Transitions. Guards live in sspf_flow.guards and are checked by the services, which
    # can explain a refusal; the FSM itself only enforces the source states.

    @transition(field=status, source=Status.REFERRED, target=Status.AWAITING_CONSENT)
    def accept(self, at):
        self.accepted_at = at

    @transition(field=status, source=Status.REFERRED, target=Status.CLOSED)
    def decline(self, at, reason, text):
        self._set_closure(at, reason, text)

    @transition(field=status, source=Status.AWAITING_CONSENT, target=Status.CONSENTED)
    def register_consent(self, at):
        self.consented_at = self.consented_at or at

    @transition(
        field=status, source=[Status.CONSENTED, Status.IN_PROGRESS], target=Status.MEETING_PLANNED
    )
    def plan_meeting(self):
        pass

    @transition(field=status, source=Status.MEETING_PLANNED, target=Status.IN_PROGRESS)
    def hold_meeting(self, at, next_follow_up):
        self.first_meeting_at = self.first_meeting_at or at
        self.next_follow_up = next_follow_up

    @transition(field=status, source=OPEN_AFTER_CONSENT, target=Status.AWAITING_CONSENT)
    def withdraw_consent(self):
        self.next_follow_up = None

    @transition(field=status, source=OPEN_STATES, target=Status.CLOSED)
    def close(self, at, reason, text):
        self._set_closure(at, reason, text)

    @transition(field=status, source=Status.CLOSED, target=Status.REFERRED)
    def reopen(self):
        self.closed_at = None
        self.closure_reason = ""
        self.closure_text = ""

    def _set_closure(self, at, reason, text):
        self.closed_at = at
        self.closure_reason = reason
        self.closure_text = text
        self.next_follow_up = None
