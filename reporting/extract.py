"""Gathering a register extract (GDPR art. 15): everything stored about one young person and
who accessed it, read in a number of queries that does not grow with their cases.

The person is every register entry of the municipality with their personal identity number
(``register.people_of``): the entries themselves and their guardians; every case with every
field, its consents (scope, signers, withdrawals), meetings (attendance, the agencies'
pictures), action plans (goals, actions and their updates), follow-ups, journal notes (those
confidential toward the guardians marked), incidents, reports of concern, assessments, network
persons, filled-in forms, outcome readings and the case history; the operative programmes'
records (Top 5, SIG, Youngsters); and the access log's rows about their cases and about them
without a case."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from casework.pages.history import describe
from forms.models import Submission
from forms.render import items as answers_of
from operative.models import GroupMember, SigEntry, Top5Entry, YoungstersTrack
from sspf_flow.events import EventCode
from sspf_flow.models import AccessLog, Agency, Case, CaseEvent, Youth

from . import extract_titles as titles
from .extract_rows import EMPTY, Item, Names, item, moment, rows

CASE_PARTS = (
    "guardians",
    "consents__scope__agency",
    "consents__signers",
    "consents__network_persons",
    "meetings__invited_agencies",
    "meetings__invited_network",
    "meetings__attended_agencies",
    "meetings__attended_network",
    "meetings__pictures",
    "plans__goals",
    "plans__actions__updates",
    "follow_ups__items",
    "journal",
    "incidents",
    "concern_reports",
    "assessments",
    "network",
    "outcomes",
)


@dataclass
class Extract:
    youth: Youth  # the entry the request names
    municipality: str
    people: list  # [Item]: each register entry with its guardians
    cases: list  # [Item]: each case with its parts
    programmes: list  # [(heading, [Item])]
    log: list  # [dict]: the access log's rows, oldest first
    youth_ids: list
    case_ids: list
    confidential: int  # journal notes confidential toward the guardians


def gather(youth_ids):
    """The extract of the register entries ``youth_ids`` (one young person)."""
    people = list(
        Youth.objects.filter(pk__in=youth_ids)
        .select_related("municipality")
        .prefetch_related("guardians")
        .order_by("pk")
    )
    ids = [person.pk for person in people]
    cases = list(
        Case.objects.filter(youth_id__in=ids)
        .order_by("referred_at", "pk")
        .prefetch_related(
            *(part for part in CASE_PARTS if part != "guardians"),
            Prefetch(
                "form_submissions",
                Submission.objects.select_related("version__template").order_by("created_at"),
            ),
            Prefetch("events", CaseEvent.objects.order_by("at", "pk")),
        )
    )
    programmes = _programmes(ids)
    log = list(
        AccessLog.objects.filter(
            Q(case__in=[case.pk for case in cases]) | Q(youth__in=ids, case__isnull=True)
        )
        .select_related("user", "agency", "case")
        .order_by("at", "pk")
    )
    names = Names()
    names.want(_every_record(people, cases, programmes))
    names.load()
    case_items = [_case(case, names) for case in cases]
    return Extract(
        youth=people[0],
        municipality=people[0].municipality.name,
        people=[_person(person, names) for person in people],
        cases=case_items,
        programmes=_programme_items(programmes, names),
        log=[_log_row(entry) for entry in log],
        youth_ids=ids,
        case_ids=[case.pk for case in cases],
        confidential=sum(
            note.confidential_to_guardians for case in cases for note in case.journal.all()
        ),
    )


def _programmes(ids):
    talkers = GroupMember.objects.select_related("user")
    return {
        "top5": list(
            Top5Entry.objects.filter(youth_id__in=ids)
            .order_by("added_at", "pk")
            .prefetch_related("measures")
        ),
        "sig": list(
            SigEntry.objects.filter(youth_id__in=ids)
            .order_by("listed_on", "pk")
            .prefetch_related("statuses")
        ),
        "youngsters": list(
            YoungstersTrack.objects.filter(youth_id__in=ids)
            .order_by("opened_on", "pk")
            .prefetch_related("talks__measures", Prefetch("talks__participants", talkers))
        ),
    }


def _every_record(people, cases, programmes):
    """Every record the extract shows, for the names of what they link to."""
    for person in people:
        yield person
        yield from person.guardians.all()
    for case in cases:
        yield case
        for consent in case.consents.all():
            yield consent
            yield from consent.scope.all()
            yield from consent.signers.all()
        for meeting in case.meetings.all():
            yield meeting
            yield from meeting.pictures.all()
        for plan in case.plans.all():
            yield plan
            yield from plan.goals.all()
            for action in plan.actions.all():
                yield action
                yield from action.updates.all()
        for follow_up in case.follow_ups.all():
            yield follow_up
            yield from follow_up.items.all()
        for part in ("journal", "incidents", "concern_reports", "assessments", "network"):
            yield from getattr(case, part).all()
        yield from case.form_submissions.all()
        yield from case.outcomes.all()
        yield from case.events.all()
    for entry in programmes["top5"]:
        yield entry
        yield from entry.measures.all()
    for entry in programmes["sig"]:
        yield entry
        yield from entry.statuses.all()
    for track in programmes["youngsters"]:
        yield track
        for talk in track.talks.all():
            yield talk
            yield from talk.measures.all()


def _person(person, names):
    guardians = [item(g.name, g, names, skip={"youth"}) for g in person.guardians.all()]
    return item(str(person), person, names, parts=[(_("Guardians"), guardians)])


def _titled(records, title, names, skip):
    return [item(title(record), record, names, skip=skip) for record in records]


def _case(case, names):
    """A case with every field and the records that belong to it."""
    on = {"case"}
    consents = [
        item(
            _("Consent %(start)s – %(end)s") % titles.period(consent),
            consent,
            names,
            skip=on,
            parts=[
                (_("Agencies covered"), _titled(consent.scope.all(), str, names, {"consent"})),
                (
                    _("Signers"),
                    _titled(consent.signers.all(), titles.signer(names), names, {"consent"}),
                ),
            ],
        )
        for consent in case.consents.all()
    ]
    meetings = [
        item(
            str(meeting),
            meeting,
            names,
            skip=on,
            parts=[(_("Pictures before the meeting"), _pictures(meeting, names))],
        )
        for meeting in case.meetings.all()
    ]
    plans = [_plan(plan, names) for plan in sorted(case.plans.all(), key=lambda p: p.version)]
    follow_ups = [
        item(
            _("Follow-up %(day)s") % {"day": titles.rows_day(follow_up.date)},
            follow_up,
            names,
            skip=on,
            parts=[
                (
                    _("Actions evaluated"),
                    _titled(follow_up.items.all(), titles.evaluated(names), names, set()),
                )
            ],
        )
        for follow_up in sorted(case.follow_ups.all(), key=lambda f: (f.date, f.pk))
    ]
    journal = [
        item(
            moment(note.written_at),
            note,
            names,
            skip=on,
            note=_confidential_note() if note.confidential_to_guardians else "",
        )
        for note in case.journal.all()
    ]
    parts = [
        (_("Consents"), consents),
        (_("Meetings"), meetings),
        (_("Action plans"), plans),
        (_("Follow-ups"), follow_ups),
        (_("Journal notes"), journal),
        (_("Incidents"), _titled(case.incidents.all(), titles.occurred, names, on)),
        (_("Reports of concern"), _titled(case.concern_reports.all(), titles.made, names, on)),
        (_("Assessments"), _titled(case.assessments.all(), titles.at, names, on)),
        (_("Network persons"), _titled(case.network.all(), str, names, on)),
        (_("Filled-in forms"), [_submission(s, names) for s in case.form_submissions.all()]),
        (_("Outcome indicators"), _titled(case.outcomes.all(), titles.recorded, names, on)),
        (_("Case history"), [_event(event, names) for event in case.events.all()]),
    ]
    return Item(
        _("Case %(number)s") % {"number": case.number}, rows(case, names, skip={"youth"}), "", parts
    )


def _event(event, names):
    """What happened, when, by whom (the case page's history line), and a reopening's reason,
    which is kept nowhere else (the other reasons are codes the line names, or in the record
    the event is about)."""
    shown = item(
        f"{moment(event.at)} {describe(event)}",
        event,
        names,
        skip={"case", "action", "data", "at"},
    )
    if event.action == EventCode.CASE_REOPENED and event.data.get("reason"):
        shown.rows.append((_("Reason"), str(event.data["reason"])))
    return shown


def _plan(plan, names):
    goals = _titled(plan.goals.all(), lambda goal: goal.text[:80], names, {"plan"})
    actions = [
        item(
            action.text[:80],
            action,
            names,
            skip={"plan"},
            parts=[(_("Updates"), _titled(action.updates.all(), titles.at, names, {"action"}))],
        )
        for action in plan.actions.all()
    ]
    return item(
        _("Action plan, version %(version)s") % {"version": plan.version},
        plan,
        names,
        skip={"case"},
        parts=[(_("Goals"), goals), (_("Actions"), actions)],
    )


def _pictures(meeting, names):
    return [
        item(names.of(Agency, p.agency_id), p, names, skip={"meeting"})
        for p in meeting.pictures.all()
    ]


def _submission(submission, names):
    answered = [
        (label, value or EMPTY)
        for label, value, _table in answers_of(submission.version.fields, submission.answers)
    ]
    tables = [
        (label, "; ".join(" | ".join(cells) for cells in table[1]) or EMPTY)
        for label, _value, table in answers_of(submission.version.fields, submission.answers)
        if table
    ]
    shown = rows(submission, names, skip={"case", "answers", "about", "about_id"})
    return Item(submission.version.template.name, shown + answered + tables)


def _programme_items(programmes, names):
    top5 = [
        item(
            _("Top 5 list from %(day)s") % {"day": moment(entry.added_at)},
            entry,
            names,
            skip={"youth"},
            parts=[(_("Measures"), _titled(entry.measures.all(), titles.what, names, {"entry"}))],
        )
        for entry in programmes["top5"]
    ]
    sig = [
        item(
            _("SIG from %(day)s") % {"day": titles.rows_day(entry.listed_on)},
            entry,
            names,
            skip={"youth"},
            parts=[
                (_("Status notes"), _titled(entry.statuses.all(), titles.day, names, {"entry"}))
            ],
        )
        for entry in programmes["sig"]
    ]
    youngsters = [_track(track, names) for track in programmes["youngsters"]]
    return [(_("Top 5"), top5), (_("SIG"), sig), (_("Youngsters"), youngsters)]


def _track(track, names):
    talks = [
        item(
            str(talk),
            talk,
            names,
            skip={"track"},
            parts=[(_("Agreed measures"), _titled(talk.measures.all(), str, names, {"talk"}))],
        )
        for talk in track.talks.all()
    ]
    return item(
        _("Youngsters from %(day)s") % {"day": titles.rows_day(track.opened_on)},
        track,
        names,
        skip={"youth"},
        parts=[(_("Talks"), talks)],
    )


def _log_row(entry):
    return {
        "at": moment(entry.at),
        "user": (entry.user.get_full_name() or entry.user.get_username()) if entry.user else EMPTY,
        "agency": entry.agency.name if entry.agency else EMPTY,
        "case": entry.case.number if entry.case else EMPTY,
        "what": entry.what,
        "action": entry.get_action_display(),
    }


def _confidential_note():
    return _(
        "Confidential toward the guardians (OSL 12:3): the coordinator reviews this note "
        "before the extract is handed over."
    )
