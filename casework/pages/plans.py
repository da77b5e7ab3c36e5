"""Every version of a case's action plan, with what the meeting that wrote it changed: which goals
and actions are new, carried over as they were, changed (and in what), or ended there (issue 12).
Read through the access module like the case page; an agency sees the actions its consent
covers, its own always."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import Action, GoalAssessment

from .casefile import CasePage

NEW, KEPT, CHANGED, ENDED, MET = "new", "kept", "changed", "ended", "met"
CHANGE_LABELS = {
    NEW: _("new"),
    KEPT: _("carried over unchanged"),
    CHANGED: _("changed"),
    ENDED: _("ended at this meeting"),
    MET: _("met, not carried over"),
}
GOAL_FIELDS = {"text": _("wording"), "measure": _("measure"), "target_date": _("target date")}
ACTION_FIELDS = {
    "text": _("wording"),
    "intervention_id": _("intervention"),
    "responsible": _("responsible"),
    "due_date": _("due date"),
    "goal_text": _("goal"),
}


def _what_changed(row, before, fields):
    return [label for name, label in fields.items() if getattr(row, name) != getattr(before, name)]


def changes(rows, earlier, fields):
    """(row, change, changed fields) for the rows of a version, then the rows of the version
    before that it did not carry over (ended, or for a goal: met)."""
    carried = {row.carried_from_id for row in rows}
    listed = []
    for row in rows:
        before = row.carried_from
        if before is None:
            listed.append((row, NEW, []))
        else:
            differs = _what_changed(row, before, fields)
            listed.append((row, CHANGED if differs else KEPT, differs))
    for row in earlier:
        if row.pk not in carried:
            met = getattr(row, "assessment", None) == GoalAssessment.MET
            listed.append((row, MET if met else ENDED, []))
    return [(row, change, CHANGE_LABELS[change], differs) for row, change, differs in listed]


@method_decorator(login_required, name="dispatch")
class PlanVersionView(CasePage):
    template_name = "casework/plan_version.html"
    what = _("action plan version")
    tab = "case"

    def sections(self, user, case, sight):
        version = self.kwargs["version"]
        plans = {
            plan.version: plan
            for plan in case.plans.filter(version__in=[version, version - 1]).select_related(
                "meeting", "created_by"
            )
        }
        plan = plans.get(version)
        if plan is None:
            raise Http404
        earlier = plans.get(version - 1)
        actions = Action.objects.select_related(
            "agency",
            "guardian",
            "goal",
            "intervention",
            "carried_from__agency",
            "carried_from__guardian",
            "carried_from__goal",
        )
        rows = [a for a in actions.filter(plan=plan) if sight.action(a)]
        before = [a for a in actions.filter(plan=earlier) if sight.action(a)] if earlier else []
        goals = list(plan.goals.select_related("carried_from"))
        latest = case.plans.order_by("-version").values_list("version", flat=True).first()
        return {
            "plan": plan,
            "latest": latest,
            "goal_changes": changes(
                goals, list(earlier.goals.all()) if earlier else [], GOAL_FIELDS
            ),
            "action_changes": changes(rows, before, ACTION_FIELDS),
            "versions": range(1, latest + 1),
        }
