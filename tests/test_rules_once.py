"""Each rule has one wording: a step's form shows the named guard's reason next to the field it
is about, and the service refuses with the same words; a refusal the form could not foresee
is listed above the form and shown at its field."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from casework.workflow import steps
from casework.workflow.assess_form import AssessForm
from casework.workflow.consent_form import ConsentForm
from casework.workflow.meeting_forms import PlanMeetingForm
from casework.workflow.plan_forms import ActionForm
from casework.workflow.referral_forms import ReferralConcernReportForm
from casework.workflow.step_forms import (
    FollowUpForm,
    HoldMeetingForm,
)
from sspf_flow import consent_guards, guards, plan_guards, record_guards, services
from sspf_flow.refusals import TransitionRefused
from tests.builders import accept_step, meeting_record, walk_to_meeting_planned


def words(reason):
    return str(reason)


def test_declining_without_a_reason_reads_as_the_closure_guard(case, coordinator):
    form = AssessForm({"decision": "decline"}, case=case)
    assert not form.is_valid()
    expected = words(guards.closure_reason_stated("", ""))
    assert form.errors["closure_reason"] == [expected]
    with pytest.raises(TransitionRefused) as refused:
        services.decline_referral(case, coordinator, "")
    assert refused.value.reasons == [expected]
    assert refused.value.reasons[0].field == "closure_reason"


def test_other_without_a_description_is_shown_at_the_comment(case):
    form = AssessForm({"decision": "decline", "closure_reason": "other"}, case=case)
    assert not form.is_valid()
    assert form.errors["closure_text"] == [words(guards.closure_reason_stated("other", ""))]
    assert "closure_reason" not in form.errors


def test_a_meeting_without_a_next_follow_up_reads_as_the_guard(case, agencies):
    meeting = case.meetings.create(kind="network", starts_at=timezone.now(), place="Skolan")
    form = HoldMeetingForm({"protocol": "Protokoll."}, meeting=meeting)
    assert not form.is_valid()
    assert form.errors["next_follow_up"] == [words(plan_guards.next_step_booked(None, None))]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "Stöd", "due_date": "2030-01-01"}, "party"),
        ({"text": "Stöd", "party": "agency", "due_date": "2030-01-01"}, "agency"),
        ({"text": "Stöd", "party": "other", "due_date": "2030-01-01"}, "other_name"),
        ({"text": "Stöd", "party": "youth"}, "due_date"),
    ],
)
def test_an_incomplete_action_reads_as_the_guard(case, data, field):
    form = ActionForm(data, case=case)
    assert not form.is_valid()
    row = {key: value for key, value in data.items() if key != "text"}
    expected = plan_guards.action_complete(
        row.get("party"), plan_guards.responsible_named(row), row.get("due_date")
    )
    assert expected.field == field
    assert form.errors[field] == [words(expected)]


def test_an_incomplete_action_is_refused_by_the_service_too(
    refer, coordinator, consent_for, agencies
):
    scope = [agencies["skola"]]
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    record = meeting_record(scope)
    incomplete = {**record["actions"][0], "text": "Mer stöd", "agency": None}
    with pytest.raises(TransitionRefused) as refused:
        services.hold_meeting(
            case,
            coordinator,
            meeting,
            **{**record, "actions": [*record["actions"], incomplete]},
        )
    assert [reason.field for reason in refused.value.reasons] == ["agency"]


def test_continuing_a_follow_up_without_a_date_reads_as_the_guard():
    form = FollowUpForm({"decision": "continue"}, plan=None)
    assert not form.is_valid()
    expected = guards.follow_up_decision_complete("continue", None, None)
    assert form.errors["next_follow_up"] == [words(expected)]


def test_a_meeting_in_the_past_reads_as_the_guard(case):
    past = timezone.now() - dt.timedelta(hours=1)
    form = PlanMeetingForm(
        {"kind": "network", "starts_at": past.strftime("%Y-%m-%d %H:%M"), "place": "Skolan"},
        case=case,
    )
    assert not form.is_valid()
    assert form.errors["starts_at"] == [
        words(plan_guards.meeting_not_in_past(past, timezone.now()))
    ]


def test_a_consent_without_agencies_or_categories_reads_as_the_guards(case):
    today = timezone.localdate()
    form = ConsentForm(
        {
            "decision": "register",
            "method": "oral",
            "oral_notes": "Per telefon.",
            "purpose": "Samverkan.",
            "valid_from": str(today),
            "valid_to": str(today + dt.timedelta(days=90)),
        },
        case=case,
    )
    assert not form.is_valid()
    assert form.errors["agencies"] == [
        words(consent_guards.consent_scope_given([], today, today, "x"))
    ]
    assert form.errors["categories"] == [words(consent_guards.consent_categories_given([]))]


def test_a_report_of_concern_at_referral_reads_as_the_guard():
    form = ReferralConcernReportForm({"made": "on", "to_whom": "Socialtjänsten"})
    assert not form.is_valid()
    expected = record_guards.concern_report_complete(None, "Socialtjänsten", timezone.localdate())
    assert form.errors["made_on"] == [words(expected)]


def test_a_refusal_from_the_service_is_listed_above_the_form_and_shown_at_its_field(
    client, refer, coordinator, consent_for, agencies
):
    case = refer()
    accept_step(case, coordinator)
    steps.complete(
        case, "obtain_consent", coordinator, lambda: consent_for(case, [agencies["skola"]])
    )
    task = steps.open_task(case, "plan_meeting")
    client.force_login(coordinator)
    starts = timezone.localtime() + dt.timedelta(days=3)

    response = client.post(
        f"/case/{task.process_id}/plan_meeting/{task.pk}/execute/",
        {
            "kind": "network",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "place": "Skolan",
            "agencies": [agencies["polis"].pk],
        },
    )

    assert response.status_code == 200
    expected = words(
        plan_guards.consent_covers_invitees(case, [agencies["polis"]], timezone.localdate())
    )
    assert response.context["form"].errors["agencies"] == [expected]
    page = response.content.decode()
    summary = page[page.index('data-testid="refusal"') :].split("</div>")[0]
    assert escape(expected) in summary and 'href="#id_agencies"' in summary
    assert 'id="id_agencies"' in page  # the link leads to the field
    case.refresh_from_db()
    assert case.status == "consented" and not case.meetings.exists()
