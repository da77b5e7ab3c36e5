"""Builders the tests share: fictional people and cases, the POST data of the step pages, and
walks of a case through the process (through the services and the flow's tasks). Fixtures are in
``conftest.py``; test modules import these, never each other."""

import datetime as dt

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.workflow import steps, timers
from forms import services as form_services
from forms.models import FormVersion
from sspf_flow import services
from sspf_flow.assessments import RBM
from sspf_flow.models import Membership, Youth

ALL_CATEGORIES = ["school", "social_services", "police", "leisure", "health"]
# the assessment of risk, need and receptivity as the assess and follow-up steps post it
RBM_POST = {"risk_level": "medium", "need": "moderate", "receptivity": "good"}
# the outcome indicators as acceptance, a follow-up and closure post them
OUTCOMES_POST = {
    "school_attendance": "low",
    "goal_fulfilment": "partly",
    "crime": "unknown",
    "substance_use": "some",
    "leisure": "no",
}


def assessed(risk_level="medium"):
    """An assessment of risk, need and receptivity, as accepting a referral needs one."""
    return RBM(risk_level, "moderate", "good")


def signed_pdf():
    """A scanned signed consent form, as far as the upload check can tell (PDF magic bytes)."""
    return ContentFile(b"%PDF-1.4\n% signerad samtyckesblankett (test)\n", name="samtycke.pdf")


def signed_upload():
    """The same, as a browser uploads it."""
    return SimpleUploadedFile("samtycke.pdf", signed_pdf().read(), "application/pdf")


def written_consent(case, coordinator, agencies, categories=ALL_CATEGORIES, days=90):
    """A written consent from today for ``agencies`` and ``categories``, signed by the
    guardians (the signed form attached), registered by the coordinator."""
    today = timezone.localdate()
    return services.register_consent(
        case,
        coordinator,
        method="written",
        purpose="Samverkan.",
        valid_from=today,
        valid_to=today + dt.timedelta(days=days),
        agencies=agencies,
        categories=categories,
        signed_form=signed_pdf(),
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
    )


def make_user(username, role, agency):
    user = User.objects.create_user(
        username, password="pw-for-tests-only", first_name=username.capitalize()
    )
    user.groups.add(Group.objects.get(name=role))
    if agency is not None:
        Membership.objects.create(user=user, agency=agency)
    return user


def born_aged(age):
    """A birth date that makes the young person ``age`` today (and for the next month), so that
    the consent rules for that age hold whenever the tests run."""
    today = timezone.localdate()
    birthday = dt.date(today.year - age, today.month, min(today.day, 28))  # no 29 February
    return birthday - dt.timedelta(days=30)


def new_youth(age=14):
    return Youth(first_name="Lou", last_name="Exempel", gender="annat", birth_date=born_aged(age))


# What the step pages need for the required questions of the default form templates
# (forms/defaults), which every new municipality gets published: answers as the pages send them.
TEMPLATE_ANSWERS = {
    "referral": {"tpl-ungdomen_vet": "yes", "tpl-vardnadshavare_vet": "yes", "tpl-tolk": "no"},
    "consent": {"tpl-informerad": "yes", "tpl-ratt_att_aterkalla": "yes", "tpl-tolk": "no"},
    "protocol": {
        "tpl-bild_ungdom": "Lou vill klara skolan.",
        "tpl-riskfaktorer": "Frånvaro.",
        "tpl-skyddsfaktorer": "Fotbollen.",
    },
    "follow_up": {
        "tpl-ungdomens_syn": "Lou tycker att det går bra.",
        "tpl-samtycke_fortsatt": "yes",
    },
}


def template_answers(kind):
    """POST data answering the default template of ``kind`` (referral, consent, protocol,
    follow_up) on its step's page."""
    return dict(TEMPLATE_ANSWERS[kind])


def other_actions(required=False):
    """A repeating-rows field (an agency, an action, yes/no questions, a comment) that no default
    template has since they stopped asking for the plan's actions (issue 12): tests of rows
    publish it in a municipality's own version (``publish_own_version``)."""

    def column(key, kind, sv, **more):
        return {"key": key, "type": kind, "label": {"sv": sv, "en": key}, **more}

    return {
        "key": "ovriga_insatser",
        "type": "rows",
        "label": {"sv": "Övriga insatser", "en": "Other actions"},
        "required": required,
        "columns": [
            column("part", "agency", "Verksamhet"),
            column("insats", "text", "Insats", required=True, max_length=300),
            column("som_planerat", "yes_no", "Genomförd som planerat?", required=True),
            column("forandring", "yes_no", "Behövs förändring?", required=True),
            column("kommentar", "text", "Kommentar", max_length=500),
        ],
        "max_rows": 20,
    }


def publish_own_version(municipality, kind, *extra_fields):
    """The municipality's own next version of its template of ``kind``: the published fields and
    ``extra_fields`` after them, published through the editor's services."""
    draft = form_services.copy_to_draft(FormVersion.objects.published_for(municipality, kind))
    form_services.save_draft(draft, [*draft.fields, *extra_fields])
    return form_services.publish(draft)


def consent_post(case, agency_pks, days=365, **changes):
    """The consent step's POST: written consent with the signed form, every information
    category, the guardians as signers and the template's answers, from today for ``days``.
    ``changes`` override fields; None leaves a field out."""
    today = timezone.localdate()
    data = {
        "decision": "register",
        "method": "written",
        "purpose": "Samverkan kring Lou.",
        "valid_from": str(today),
        "valid_to": str(today + dt.timedelta(days=days)),
        "agencies": agency_pks,
        "categories": ALL_CATEGORIES,
        "signed_form": signed_upload(),
        "signers": [f"guardian-{g.pk}" for g in case.youth.guardians.all()],
        "youth_view": "Lou vill vara med.",
        **template_answers("consent"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def hold_meeting_post(attended_pks, agency, follow_up_days=1, **changes):
    """The hold-meeting step's POST: who attended, the protocol, one goal, one action for
    ``agency`` due in 30 days, the next follow-up in ``follow_up_days`` and the protocol
    template's answers; ``changes`` add or override fields, None leaves a field out."""
    today = timezone.localdate()
    data = {
        "attended_agencies": attended_pks,
        "youth_attended": "on",
        "guardians_attended": "on",
        "protocol": "Alla berättade om sin bild av Lou.",
        "next_follow_up": str(today + dt.timedelta(days=follow_up_days)),
        "goal-TOTAL_FORMS": "1",
        "goal-INITIAL_FORMS": "0",
        "goal-0-text": "Lou är i skolan minst 90 % av tiden.",
        "goal-0-measure": "Närvaro",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-text": "Extra stöd för att öka närvaron.",
        "action-0-party": "agency",
        "action-0-agency": agency.pk,
        "action-0-due_date": str(today + dt.timedelta(days=30)),
        "action-0-goal": "1",
        **template_answers("protocol"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def closing_meeting_post(agency, **changes):
    """The hold-meeting step's POST of a meeting that decides to close the case (moved away):
    ``agency`` attended, no next follow-up, the closure's outcome indicators."""
    return hold_meeting_post(
        [agency.pk],
        agency,
        next_follow_up=None,
        close_case="on",
        closure_reason="moved",
        **{**OUTCOMES_POST, **changes},
    )


def accept_step(case, coordinator, rbm=None):
    """Complete the case's assess step: accepted, with the assessment ``rbm`` (a medium one)."""
    steps.complete(
        case,
        "assess",
        coordinator,
        lambda: services.accept_referral(case, coordinator, rbm or assessed()),
    )


def plan_meeting_step(case, coordinator, scope, days_ahead=1, kind="network"):
    """Complete the case's plan-meeting step: a meeting ``days_ahead`` inviting ``scope``."""
    return steps.complete(
        case,
        "plan_meeting",
        coordinator,
        lambda: services.plan_meeting(
            case,
            coordinator,
            kind=kind,
            starts_at=timezone.now() + dt.timedelta(days=days_ahead),
            place="Skolan",
            agencies=scope,
        ),
    )


def walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=1, rbm=None):
    """Refer, accept (with the assessment ``rbm``, or a medium one), register consent for
    ``scope`` and plan a meeting inviting it, each step through its flow task; returns the case
    and its planned meeting."""
    case = refer()
    steps.complete(
        case,
        "assess",
        coordinator,
        lambda: services.accept_referral(case, coordinator, rbm or assessed()),
    )
    steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))
    return case, plan_meeting_step(case, coordinator, scope, days_ahead)


def meeting_record(scope, follow_up_in_days=42, **changes):
    """What ``services.hold_meeting`` is given for a meeting the ``scope`` agencies attended:
    one goal, the first agency's action due in 30 days, the next follow-up; ``changes``
    override."""
    today = timezone.localdate()
    record = {
        "attended_agencies": scope,
        "youth_attended": True,
        "guardians_attended": True,
        "protocol": "Protokoll.",
        "goals": [{"text": "Närvaro"}],
        "actions": [
            {
                "text": "Stöd",
                "party": "agency",
                "agency": scope[0],
                "due_date": today + dt.timedelta(days=30),
                "goal": 0,
            }
        ],
        "next_follow_up": today + dt.timedelta(days=follow_up_in_days),
    }
    return {**record, **changes}


def case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=42, rbm=None):
    scope = [agencies["skola"], agencies["socialtjanst"]]
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, rbm=rbm)
    record = meeting_record(scope, follow_up_in_days)
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(case, coordinator, meeting, **record),
    )
    return case


def referral_post():
    return {
        "youth-first_name": "Lou",
        "youth-last_name": "Exempel",
        "youth-personal_number": "",
        "youth-birth_date": str(born_aged(14)),
        "youth-gender": "annat",
        "youth-school": "Centralskolan",
        "youth-grade": "8",
        "guardian-TOTAL_FORMS": "2",
        "guardian-INITIAL_FORMS": "0",
        "guardian-0-name": "Kim Exempel",
        "guardian-0-has_custody": "on",
        "guardian-1-name": "Alex Exempel",
        "guardian-1-has_custody": "on",
        "referral-programme": "sspf",
        "referral-referral_source": "skola",
        "referral-concerns": ["school_absence", "substance_use", "criminal_peers"],
        "referral-concern_text": "Ökad frånvaro, positivt cannabistest, umgås med ett gäng.",
        **template_answers("referral"),
    }


def follow_up_calling_a_meeting(case, coordinator):
    """Complete the open follow-up with the decision to call a new meeting."""

    def record():
        services.record_follow_up(
            case,
            coordinator,
            day=timezone.localdate(),
            notes="",
            items=[],
            goal_assessments={},
            decision="meeting",
        )

    steps.complete(case, "follow_up", coordinator, record)


def second_meeting_planned(refer, coordinator, consent_for, agencies):
    """A case whose first meeting wrote plan v1 (the goal "Närvaro", the school's action
    "Stöd"), whose follow-up called a new meeting, planned in 5 days with the school and social
    services: its hold-meeting step is open."""
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    timers.fire_due_timers()
    follow_up_calling_a_meeting(case, coordinator)
    scope = [agencies["skola"], agencies["socialtjanst"]]
    plan_meeting_step(case, coordinator, scope, days_ahead=5, kind="follow_up")
    case.refresh_from_db()
    return case


# Where each demo user lands, and the data-testid of the work that page shows.
DEMO_LANDINGS = {
    "anja": ("/sspf/dashboard/", "my-tasks"),
    "sara": ("/sspf/dashboard/", "agency-actions"),
    "sven": ("/sspf/dashboard/", "agency-actions"),
    "per": ("/sspf/dashboard/", "agency-actions"),
    "frida": ("/sspf/dashboard/", "agency-actions"),
    "tove": ("/sspf/dashboard/", "agency-actions"),
    "maria": ("/sspf/dashboard/", "agency-actions"),
    "cornelia": ("/sspf/dashboard/", "agency-actions"),  # and the young people she coaches
    "stina": ("/steering/", "steering"),
    "adam": ("/administration/", "administration"),
}


def unlawful_read(user, case, what="ärendesida"):
    """An access-log row of a read the rules did not allow, written by hand: the product never
    writes one, and the review must flag it if it ever did."""
    from sspf_flow.models import AccessLog

    return AccessLog.objects.create(
        at=timezone.now(),
        user=user,
        roles=",".join(user.groups.values_list("name", flat=True)),
        case=case,
        youth_id=case.youth_id,
        what=what,
        action="view",
        had_basis=False,
    )


def operative_group(users, agencies, name="Operativa gruppen Centrum"):
    """An operative group of the municipality: social services chairs, the police keep the
    minutes, the school is a member (each user given an e-mail address)."""
    from operative.models import GroupMember, OperativeGroup

    group = OperativeGroup.objects.create(
        municipality=agencies["skola"].municipality, name=name, area="Centrum och Norr"
    )
    for key, role, mandate in (
        ("socialtjanst", "chair", "Beslutar om insatser från socialtjänsten"),
        ("polis", "secretary", "Kommunpolis med mandat för lokalpolisområdet"),
        ("skola", "member", "Rektor, beslutar om skolans åtgärder"),
    ):
        user = users[key]
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
        GroupMember.objects.create(group=group, user=user, role=role, mandate=mandate)
    return group


def group_with_series(users, agencies, first_in_days=3):
    """The operative group with a series planned by its chair: every second week at 9, the first
    meeting ``first_in_days`` ahead."""
    from operative import services as group_services

    group = operative_group(users, agencies)
    group_services.plan_series(
        group,
        users["socialtjanst"],
        first_day=timezone.localdate() + dt.timedelta(days=first_in_days),
        time=dt.time(9, 0),
        every_weeks=2,
        place="Stadshuset",
    )
    return group


def client_of(user):
    """A test client logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


IDENTITY_NUMBER = "19121212-1212"  # the tax agency's test number (valid check digit)


def take_open_task(node, username):
    """The demo's open task at ``node`` (a step of the case flow), taken by ``username`` if nobody
    has it."""
    from django.db import transaction
    from viewflow.workflow.status import STATUS

    from casework.workflow.flows import CaseFlow
    from sspf_flow.models import CaseTask

    task = CaseTask.objects.get(
        flow_task=getattr(CaseFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    if task.owner_id is None:
        with transaction.atomic(), task.activation() as activation:
            activation.assign(User.objects.get(username=username))
    return task
