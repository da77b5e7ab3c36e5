"""What gallring does to one closed case: de-identify it or delete it (``sspf_flow.retention``
decides which, and when). Both run inside the caller's transaction, with the case row locked.

Everything goes through the ORM — ``QuerySet.update``/``delete`` and Django's collector — never
raw SQL, so that the ``on_delete`` of every app above applies: the statistics' de-identified
facts (``reporting``) and the programmes' entries (``operative``) lose their link to a deleted
case (SET_NULL) and stay. Append-only rows are changed or deleted only through their named path,
``gallra()``. The apps above that keep rows of their own about a case (the form submissions of
``forms``) receive ``deidentifying``/``purging`` and answer for those rows themselves.

De-identified: the young person's names, identity number, exact birth date (the year is kept,
as 1 July), school, language and accessibility needs; the guardians' and network persons' names
and contacts; every free text of the case and its records; uploaded files. Kept: the codes,
dates and counts the statistics read (gender, grade, concerns, risk level, the dates of each
step, the closure reason, the interventions, the outcome indicators). The case number is kept:
it is a serial (SSPF-year-number) with no personal data in it, and it is how the access log,
kept for its own period, and the municipality's register refer to the case. A municipality
whose plan wants no trace chooses deletion; the statistics survive that too.

Deleted: the case and everything that hangs off it, its viewflow processes and tasks, its
history and access-log rows, and then the young person and the guardians — unless another
record still refers to the young person (another case, a programme's entry, a caseless read in
the access log): then they are kept, and the run counts them.

Several of the case's own foreign keys PROTECT (the history, the journal, incidents,
assessments and reports of concern refuse to lose their case; a later version of a goal or an
action, a plan, a correction protect what they refer to). They stay PROTECT, so that nothing
else can delete a case by accident; ``purge_case`` removes those rows first, in an order in
which nothing refers to a row when it goes (the newest plan first, corrections unlinked).
"""

import datetime

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.dispatch import Signal
from viewflow.workflow.models import Task

from .events import EventCode, record_event
from .models import (
    AccessLog,
    Action,
    ActionPlan,
    ActionUpdate,
    Assessment,
    Case,
    CaseEvent,
    ConcernReport,
    Consent,
    FollowUp,
    FollowUpItem,
    Goal,
    Guardian,
    Incident,
    JournalNote,
    LegalHold,
    Meeting,
    MeetingPicture,
    NetworkPerson,
    Youth,
)
from .models.process import processes_of

# Sent inside the transaction, before the case is changed; kwargs: case. A receiver blanks (or
# deletes) the free text its app keeps about the case, through the ORM.
deidentifying = Signal()
purging = Signal()

# the young person's own relations; any other refers to them from elsewhere
_OWN = (Case, Guardian, AccessLog)


def deidentify_case(case, at):
    """Blank every free text of ``case`` and its records, and the young person's identity when
    nothing else needs it. Returns False when the young person had to be kept identified."""
    deidentifying.send(sender=Case, case=case)
    Case.objects.filter(pk=case.pk).update(
        concern_text="", protective_text="", closure_text="", deidentified_at=at
    )
    _remove_files(case)
    Consent.objects.filter(case=case).update(
        oral_notes="", purpose="", youth_view="", withdrawn_reason="", signed_form=""
    )
    NetworkPerson.objects.filter(case=case).update(name="", relation="", email="", phone="")
    Meeting.objects.filter(case=case).update(place="", protocol="")
    MeetingPicture.objects.filter(meeting__case=case).update(
        knows="", does="", strengths="", risks=""
    )
    Goal.objects.filter(plan__case=case).update(text="", measure="")
    actions = Action.objects.filter(plan__case=case)
    actions.update(text="")
    actions.exclude(other_name="").update(other_name="–")  # "other" must name someone
    FollowUp.objects.filter(case=case).update(notes="")
    FollowUpItem.objects.filter(follow_up__case=case).update(comment="")
    ConcernReport.objects.filter(case=case).update(to_whom="")
    LegalHold.objects.filter(case=case).update(text="")
    ActionUpdate.objects.filter(action__plan__case=case).gallra(comment="")
    JournalNote.objects.filter(case=case).gallra(text="")
    Incident.objects.filter(case=case).gallra(text="")
    Assessment.objects.filter(case=case).gallra(need_text="", comment="", outside_target_group="")
    CaseEvent.objects.filter(case=case).gallra(data={})
    processes = processes_of(case)
    Task.objects.filter(process__in=processes).update(data={})
    processes.update(data={})
    record_event(case, None, EventCode.CASE_DEIDENTIFIED)
    return _deidentify_youth(case.youth_id)


def _deidentify_youth(youth_id):
    youth = Youth.objects.get(pk=youth_id)
    if youth.cases.filter(deidentified_at__isnull=True).exists() or _kept_elsewhere(youth):
        return False
    Youth.objects.filter(pk=youth_id).update(
        first_name="",
        last_name="",
        personal_number="",
        birth_date=datetime.date(youth.birth_date.year, 7, 1),
        school="",
        language="",
        needs_interpreter=False,
        accessibility_needs="",
    )
    Guardian.objects.filter(youth=youth_id).update(name="", phone="", email="")
    return True


def _kept_elsewhere(youth):
    """Whether a record outside the case domain (a programme's entry, say) refers to the young
    person: found through the model's relations, so the apps above need not be imported."""
    for relation in Youth._meta.related_objects:
        if relation.related_model in _OWN or not relation.field.concrete:
            continue
        manager = relation.related_model._base_manager
        if manager.filter(**{relation.field.name: youth}).exists():
            return True
    return False


def purge_case(case):
    """Delete ``case`` and all that hangs off it, then the young person and the guardians if
    nothing else refers to them. Returns False when the young person had to be kept."""
    purging.send(sender=Case, case=case)
    _remove_files(case)
    processes_of(case).delete()  # the tasks and their deadlines go with them
    CaseEvent.objects.filter(case=case).gallra()
    AccessLog.objects.filter(case=case).gallra()
    notes = JournalNote.objects.filter(case=case)
    notes.gallra(corrects=None)  # a correction protects the note it corrects
    notes.gallra()
    Incident.objects.filter(case=case).gallra()
    Assessment.objects.filter(case=case).gallra()  # before the follow-ups they protect
    ConcernReport.objects.filter(case=case).delete()
    for plan in ActionPlan.objects.filter(case=case).order_by("-version"):
        plan.delete()  # the newest first: a later version's rows protect the earlier ones
    youth_id = case.youth_id
    Case.objects.filter(pk=case.pk).delete()
    try:
        with transaction.atomic():
            Youth.objects.filter(pk=youth_id).delete()  # the guardians go with them
    except (ProtectedError, RestrictedError):
        return False
    return True


def _remove_files(case):
    """The uploaded signed consent forms: removed from storage once the change commits (a
    rolled-back gallring keeps them)."""
    for consent in Consent.objects.filter(case=case).exclude(signed_form=""):
        storage, name = consent.signed_form.storage, consent.signed_form.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
