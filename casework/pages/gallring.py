"""The administrator's gallring page: the rules set per municipality (and where none is set,
that nothing is removed), what the rules would remove today — the dry run, counted, without a
case number or a name: the administrator reads no case — and the record of each run."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from sspf_flow import access, retention
from sspf_flow.models import Municipality, RecordType, RetentionAction, RetentionRun
from sspf_flow.models.retention import SUGGESTED

RUNS_SHOWN = 30


def _rules_by_municipality(rules):
    """Each municipality with, per kind of record, its rule or None (nothing is removed)."""
    set_rules = {(r.municipality_id, r.record_type): r for r in rules}
    return [
        (municipality, [(kind, set_rules.get((municipality.pk, kind))) for kind in RecordType])
        for municipality in Municipality.objects.order_by("name")
    ]


def _labelled(counts):
    """A run's counts with the kind of record and the action in words."""
    return [
        {
            **row,
            "record_type_label": RecordType(row["record_type"]).label,
            "action_label": RetentionAction(row["action"]).label,
        }
        for row in counts
    ]


@login_required
def gallring(request):
    if not access.administers(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    due = retention.due(today)
    runs = RetentionRun.objects.select_related("user").order_by("-started_at", "-pk")
    return TemplateResponse(
        request,
        "casework/gallring.html",
        {
            "today": today,
            "municipalities": _rules_by_municipality([item.rule for item in due]),
            "suggested": [(kind, *SUGGESTED[kind]) for kind in RecordType],
            "dry_run": _labelled(item.summary() for item in due),
            "runs": [(run, _labelled(run.counts)) for run in runs[:RUNS_SHOWN]],
        },
    )
