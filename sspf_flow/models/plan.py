"""The joint action plan (versioned per meeting), its goals and actions, and follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .appendonly import AppendOnly
from .case import Case
from .meeting import Meeting
from .network import NetworkPerson
from .org import Agency
from .outcome import Intervention
from .youth import Guardian


class GoalAssessment(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("action status", "Planned")
    ONGOING = "ongoing", pgettext_lazy("action status", "Ongoing")
    DONE = "done", pgettext_lazy("action status", "Done")
    NOT_DONE = "not_done", pgettext_lazy("action status", "Not done")


class Party(models.TextChoices):
    AGENCY = "agency", _("Agency")
    YOUTH = "youth", _("The young person")
    GUARDIAN = "guardian", _("Guardian")
    OTHER = "other", _("Other (named)")
    NETWORK = "network", _("Network person")


OPEN_ACTION = (ActionStatus.PLANNED, ActionStatus.ONGOING)
OPEN_GOAL = (GoalAssessment.ONGOING, GoalAssessment.PARTLY_MET, GoalAssessment.NOT_MET)


def _intervention_of(item):
    """The key of the intervention an action row names; a carried-over row that names none
    (the key is absent) keeps the one it had."""
    if "intervention" in item:
        return item["intervention"].pk if item["intervention"] else None
    return item["carried_from"].intervention_id if item.get("carried_from") else None


class ActionPlanQuerySet(models.QuerySet):
    def write(self, case, meeting, goals, actions, created_by, created_at):
        """The case's next version of the plan, written at ``meeting``: ``goals`` are dicts
        (text, measure, target_date); ``actions`` dicts (text, party, agency, guardian,
        other_name, due_date, ``intervention``: an entry of the municipality's catalogue or None
        for "other", and ``goal``: the index of the goal it serves, or None). A row with
        ``carried_from`` (a goal or action of the version before) continues it: it keeps its
        assessment or status (and an action its intervention, unless the row names one), and
        the version page shows what changed."""
        current = case.current_plan()
        plan = self.create(
            case=case,
            meeting=meeting,
            version=(current.version if current else 0) + 1,
            created_at=created_at,
            created_by=created_by,
        )
        saved = [
            Goal.objects.create(
                plan=plan,
                text=g["text"],
                measure=g.get("measure", ""),
                target_date=g.get("target_date"),
                carried_from=g.get("carried_from"),
                assessment=g["carried_from"].assessment
                if g.get("carried_from")
                else GoalAssessment.ONGOING,
            )
            for g in goals
        ]
        Action.objects.bulk_create(
            Action(
                plan=plan,
                text=item["text"],
                party=item["party"],
                agency=item.get("agency"),
                guardian=item.get("guardian"),
                other_name=item.get("other_name", ""),
                network_person=item.get("network_person"),
                due_date=item["due_date"],
                intervention_id=_intervention_of(item),
                goal=saved[item["goal"]] if item.get("goal") is not None else None,
                carried_from=item.get("carried_from"),
                status=item["carried_from"].status
                if item.get("carried_from")
                else ActionStatus.PLANNED,
            )
            for item in actions
        )
        return plan

    def open_rows(self, plan):
        """The goals not met and the actions not ended of ``plan``: what a new meeting starts
        from (``None``: no plan yet)."""
        if plan is None:
            return [], []
        goals = list(plan.goals.filter(assessment__in=OPEN_GOAL))
        actions = list(
            plan.actions.filter(status__in=OPEN_ACTION).select_related("agency", "guardian")
        )
        return goals, actions


class ActionPlan(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="plans", verbose_name=_("case")
    )
    meeting = models.OneToOneField(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("meeting"),
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_once")
        ]

    def __str__(self):
        return f"{self.case} v{self.version}"


class Goal(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    text = models.TextField(_("goal (specific, measurable, accepted, realistic, time-bound)"))
    measure = models.CharField(_("how it is measured"), max_length=250, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    assessment = models.CharField(
        _("assessment"),
        max_length=20,
        choices=GoalAssessment.choices,
        default=GoalAssessment.ONGOING,
    )
    # the same goal in the version before, when the meeting carried it over (issue 12)
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_into",
        verbose_name=_("carried over from"),
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["pk"]

    def __str__(self):
        return self.text


class ActionQuerySet(models.QuerySet):
    def lineage(self, actions):
        """Key of each of ``actions`` and of every earlier version it was carried over from →
        the key of the action in ``actions`` it became."""
        found = {action.pk: action.pk for action in actions}
        step = {action.pk: action.carried_from_id for action in actions if action.carried_from_id}
        while step:
            earlier = dict(self.filter(pk__in=step.values()).values_list("pk", "carried_from_id"))
            found.update({before: found[after] for after, before in step.items()})
            step = {pk: prior for pk, prior in earlier.items() if prior}
        return found


class Action(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("goal it serves"),
    )
    text = models.TextField(_("action"))
    party = models.CharField(_("responsible party"), max_length=10, choices=Party.choices)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("responsible agency"),
    )
    guardian = models.ForeignKey(
        Guardian,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible guardian"),
    )
    other_name = models.CharField(_("responsible (other)"), max_length=150, blank=True)
    network_person = models.ForeignKey(
        NetworkPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("responsible network person"),
    )
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # from the municipality's catalogue; empty: "other", which the action's text describes
    intervention = models.ForeignKey(
        Intervention,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("intervention"),
    )
    # the same action in the version before, when the meeting carried it over (issue 12)
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_into",
        verbose_name=_("carried over from"),
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(party="agency", agency__isnull=False)
                    | Q(party="guardian", guardian__isnull=False)
                    | Q(party="other") & ~Q(other_name="")
                    | Q(party="youth")
                    | Q(party="network", network_person__isnull=False)
                ),
                name="action_has_responsible",
            )
        ]

    def __str__(self):
        return self.text

    @property
    def goal_text(self):
        return self.goal.text if self.goal_id else ""

    @property
    def responsible(self):
        if self.party == Party.AGENCY:
            return str(self.agency)
        if self.party == Party.GUARDIAN:
            return str(self.guardian)
        if self.party == Party.OTHER:
            return self.other_name
        if self.party == Party.NETWORK:
            return str(self.network_person)
        return str(Party.YOUTH.label)


class FollowUpDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    MEETING = "meeting", _("Call a follow-up meeting")
    CLOSE = "close", _("Close the case")


class FollowUp(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    decision = models.CharField(
        _("next step"),
        max_length=10,
        choices=FollowUpDecision.choices,
        default=FollowUpDecision.CONTINUE,
    )
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.case} {self.date}"

    def evaluate(self, items, goal_assessments):
        """How each action went — (Action, status, comment) — and how each goal stands
        ({Goal: assessment}); the actions and goals of this case take the new values."""
        for action, status, comment in items:
            FollowUpItem.objects.create(
                follow_up=self, action=action, status=status, comment=comment
            )
            Action.objects.filter(pk=action.pk, plan__case=self.case_id).update(status=status)
        for goal, assessment in goal_assessments.items():
            Goal.objects.filter(pk=goal.pk, plan__case=self.case_id).update(assessment=assessment)


class FollowUpItem(models.Model):
    """How one action went, as judged at a follow-up."""

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="items", verbose_name=_("follow-up")
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("action")
    )
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    comment = models.TextField(_("done as planned, worked as intended, change needed?"), blank=True)

    class Meta:
        verbose_name = _("action evaluation")
        verbose_name_plural = _("action evaluations")

    def __str__(self):
        return f"{self.action}: {self.get_status_display()}"


class ActionUpdate(AppendOnly):
    """What the responsible agency said of its action, and when: the status it set and a
    comment (why, when it is "not done"). Written by ``services.update_action``; the follow-up
    shows the latest beside each action."""

    append_only_reason = "An action's updates are append-only: write a new one"

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action")
    )
    at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("update of an action")
        verbose_name_plural = _("updates of actions")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.action_id} {self.status} {self.at:%Y-%m-%d}"
