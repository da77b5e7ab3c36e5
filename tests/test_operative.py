"""Issue 13 (1, 7): the operative group and its calendar. Its members from each agency with
their mandate and role; a series of meetings planned by the chair, the secretary or the
coordinator (a refusal writes nothing); moving and cancelling a meeting; each member's
calendar feed at a secret, renewable address; the e-mails through the outbox (no names); the
reminder the day before, once."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Outbox
from operative import notices, services
from operative.models import GroupMeeting, GroupMember, MeetingSeries
from operative.views import feed_path
from sspf_flow.refusals import TransitionRefused
from tests.builders import client_of, operative_group
from tests.footprint import FROZEN, TODAY

NAMES = ("Sven", "Per", "Sara", "Anja", "sven@", "per@")


@pytest.fixture
def group(users, agencies):
    return operative_group(users, agencies)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def plan(group, user, **more):
    data = {
        "first_day": TODAY + dt.timedelta(days=3),
        "time": dt.time(9, 0),
        "every_weeks": 2,
        "place": "Stadshuset, rum Ekan",
        **more,
    }
    return services.plan_series(group, user, **data)


def written():
    return (
        list(MeetingSeries.objects.values_list("pk", flat=True)),
        list(GroupMeeting.objects.values_list("pk", "starts_at", "status", "sequence")),
        list(Outbox.objects.values_list("pk", flat=True)),
    )


# --- the series ------------------------------------------------------------------------------


def test_a_series_makes_the_meetings_every_second_week_up_to_the_horizon(group, users):
    series = plan(group, users["socialtjanst"])
    days = [m.starts_at.date() for m in series.meetings.order_by("starts_at")]
    assert days[0] == TODAY + dt.timedelta(days=3)
    assert {b - a for a, b in zip(days, days[1:], strict=False)} == {dt.timedelta(weeks=2)}
    assert days[-1] <= TODAY + dt.timedelta(days=183) < days[-1] + dt.timedelta(weeks=2)


def test_a_series_ends_on_its_last_day(group, users):
    series = plan(group, users["polis"], until=TODAY + dt.timedelta(days=30))
    assert series.meetings.count() == 2  # in 3 and 17 days; the next would be in 31


def test_each_member_gets_one_email_with_the_dates_and_no_names(group, users):
    plan(group, users["socialtjanst"])
    rows = Outbox.objects.filter(kind="group_series_planned")
    assert sorted(rows.values_list("to", flat=True)) == [
        "per@exempel.invalid",
        "sara@exempel.invalid",
        "sven@exempel.invalid",
    ]
    row = rows.get(to="sara@exempel.invalid")
    assert "Operativa gruppen Centrum" in row.subject
    assert (TODAY + dt.timedelta(days=3)).isoformat() in row.body_text
    assert "METHOD:PUBLISH" in row.calendar and "sspf-group-meeting-" in row.calendar
    for name in NAMES:
        assert name not in row.body_text + row.body_html + row.calendar


def test_the_same_notice_told_twice_is_queued_once_per_member(group, users):
    series = plan(group, users["socialtjanst"])
    notices.series_planned(series, list(series.meetings.all()))
    assert Outbox.objects.count() == 3


@pytest.mark.parametrize(
    ("who", "more", "words"),
    [
        ("skola", {}, "Bara gruppens ordförande eller sekreterare"),
        ("trygghet", {}, "Bara gruppens ordförande eller sekreterare"),
        ("socialtjanst", {"first_day": TODAY - dt.timedelta(days=1)}, "inte har passerat"),
        ("socialtjanst", {"every_weeks": 9}, "1 till 8 veckor"),
        ("socialtjanst", {"until": TODAY}, "sista dagen kan inte"),
    ],
)
def test_a_refused_series_writes_nothing(group, users, who, more, words):
    before = written()
    with pytest.raises(TransitionRefused) as refused:
        plan(group, users[who], **more)
    assert words.lower() in str(refused.value).lower()
    assert written() == before


def test_the_coordinator_plans_a_series(group, users):
    assert plan(group, users["samordnare"]).meetings.exists()


def test_the_coordinator_of_another_municipality_may_not(group, users, foreign_coordinator):
    with pytest.raises(TransitionRefused):
        plan(group, foreign_coordinator)


def test_the_beat_extends_the_series_and_twice_makes_nothing_more(group, users):
    series = plan(group, users["socialtjanst"])
    count = series.meetings.count()
    with time_machine.travel(FROZEN + dt.timedelta(days=60), tick=False):
        made = services.extend_series()
        assert made == series.meetings.count() - count > 0
        assert services.extend_series() == 0


# --- one meeting -----------------------------------------------------------------------------


def first(series):
    return series.meetings.order_by("starts_at").first()


def test_moving_raises_the_revision_and_tells_the_members(group, users):
    meeting = first(plan(group, users["socialtjanst"]))
    later = meeting.starts_at + dt.timedelta(hours=4)
    services.move_meeting(meeting, users["polis"], starts_at=later, place="Polishuset")
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.sequence) == (later, "Polishuset", 1)
    row = Outbox.objects.get(kind="group_meeting_changed", to="sara@exempel.invalid")
    assert "Polishuset" in row.body_text and "SEQUENCE:1" in row.calendar


def test_a_cancelled_meeting_is_cancelled_in_the_calendars_and_cannot_move(group, users):
    meeting = first(plan(group, users["socialtjanst"]))
    services.cancel_meeting(meeting, users["socialtjanst"])
    row = Outbox.objects.get(kind="group_meeting_cancelled", to="per@exempel.invalid")
    assert "METHOD:CANCEL" in row.calendar and "STATUS:CANCELLED" in row.calendar
    before = written()
    with pytest.raises(TransitionRefused, match="inte längre planerat"):
        services.move_meeting(
            meeting, users["socialtjanst"], starts_at=meeting.starts_at, place="X"
        )
    assert written() == before


def test_a_member_who_does_not_chair_moves_nothing(group, users):
    meeting = first(plan(group, users["socialtjanst"]))
    before = written()
    with pytest.raises(TransitionRefused):
        services.cancel_meeting(meeting, users["skola"])
    assert written() == before


def test_minutes_refuse_an_identity_number(group, users):
    meeting = first(plan(group, users["socialtjanst"]))
    with time_machine.travel(meeting.starts_at + dt.timedelta(hours=1), tick=False):
        with pytest.raises(TransitionRefused, match="personnummer"):
            services.hold_meeting(meeting, users["polis"], minutes="Oro för 20100101-0006.")
        services.hold_meeting(meeting, users["polis"], minutes="Oro kring centrum kvällstid.")
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.minutes == "Oro kring centrum kvällstid."


# --- the reminder ----------------------------------------------------------------------------


def test_the_reminder_goes_the_day_before_once(group, users, settings):
    meeting = first(plan(group, users["socialtjanst"]))
    day_before = timezone.localtime(meeting.starts_at) - dt.timedelta(days=1)
    early = day_before.replace(hour=settings.NOTIFY_HOUR - 1)
    with time_machine.travel(early, tick=False):
        assert services.send_reminders() == 0
    with time_machine.travel(day_before.replace(hour=settings.NOTIFY_HOUR), tick=False):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    rows = Outbox.objects.filter(kind="group_meeting_reminder")
    assert rows.count() == 3
    assert all(name not in rows[0].body_text for name in NAMES)


def test_a_moved_meeting_is_reminded_again_for_its_new_day(group, users, settings):
    meeting = first(plan(group, users["socialtjanst"]))
    with time_machine.travel(meeting.starts_at - dt.timedelta(hours=20), tick=False):
        assert services.send_reminders() == 1
        later = meeting.starts_at + dt.timedelta(days=2)
        services.move_meeting(meeting, users["socialtjanst"], starts_at=later, place="Ekan")
    with time_machine.travel(later - dt.timedelta(hours=20), tick=False):
        assert services.send_reminders() == 1
    assert Outbox.objects.filter(kind="group_meeting_reminder").count() == 6


# --- the calendar feed -----------------------------------------------------------------------


def member(group, users, key):
    return GroupMember.objects.get(group=group, user=users[key])


def test_the_feed_holds_the_meetings_and_no_personal_data(group, users, client):
    plan(group, users["socialtjanst"])
    meeting = first(group.series.get())
    services.cancel_meeting(meeting, users["socialtjanst"])
    response = client.get(feed_path(member(group, users, "skola")))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"UID:sspf-group-meeting-{meeting.pk}@" in body
    assert "STATUS:CANCELLED" in body and "SEQUENCE:1" in body
    assert body.count("BEGIN:VEVENT") == group.meetings.count()
    for name in NAMES:
        assert name not in body


def test_a_wrong_or_renewed_token_opens_nothing(group, users, client):
    plan(group, users["socialtjanst"])
    sara = member(group, users, "skola")
    old = feed_path(sara)
    assert client.get(old[:-10] + "x" * 6 + ".ics").status_code == 404
    assert client.get("/operative/calendar/nonsense.ics").status_code == 404
    client_of(users["skola"]).post(f"/operative/{group.pk}/calendar/renew/")
    sara.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(feed_path(sara)).status_code == 200


def test_nobody_renews_another_members_token(group, users):
    sara = member(group, users, "skola")
    token = sara.calendar_token
    with pytest.raises(TransitionRefused):
        services.renew_calendar_token(sara, users["socialtjanst"])
    sara.refresh_from_db()
    assert sara.calendar_token == token


def test_a_member_no_longer_active_has_no_feed(group, users, client):
    users["skola"].is_active = False
    users["skola"].save()
    assert client.get(feed_path(member(group, users, "skola"))).status_code == 404


# --- the pages -------------------------------------------------------------------------------


def test_the_group_page_shows_members_agencies_mandates_and_roles(group, users):
    plan(group, users["socialtjanst"])
    page = client_of(users["skola"]).get(f"/operative/{group.pk}/").content.decode()
    assert "Ordförande" in page and "Sekreterare" in page
    assert "Polisen lokalpolisområde" in page and "Kommunpolis med mandat" in page
    assert "Kommande möten" in page and "Stadshuset, rum Ekan" in page
    assert feed_path(member(group, users, "skola")) in page
    assert "Planera återkommande möten" not in page  # a member plans nothing


@pytest.mark.parametrize("who", ["trygghet", "styrgrupp", "admin", "fritid"])
def test_outsiders_are_refused_the_group(group, users, who):
    assert client_of(users[who]).get(f"/operative/{group.pk}/").status_code == 403


def test_a_coordinator_of_another_municipality_is_refused(group, foreign_coordinator):
    assert client_of(foreign_coordinator).get(f"/operative/{group.pk}/").status_code == 403


def test_the_chair_plans_through_the_page(group, users):
    post = {
        "first_day": str(TODAY + dt.timedelta(days=7)),
        "time": "13:00",
        "every_weeks": "3",
        "place": "Navet",
    }
    response = client_of(users["socialtjanst"]).post(f"/operative/{group.pk}/plan/", post)
    assert response.status_code == 302
    assert group.meetings.filter(place="Navet").count() > 5


def test_a_refused_plan_shows_the_reason_in_swedish_and_writes_nothing(group, users):
    post = {"first_day": str(TODAY - dt.timedelta(days=7)), "time": "13:00"}
    post |= {"every_weeks": "12", "place": "Navet"}
    before = written()
    page = client_of(users["polis"]).post(f"/operative/{group.pk}/plan/", post)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Välj en tid som inte har passerat" in text and "1 till 8 veckor" in text
    assert written() == before


def test_a_member_cannot_open_the_planning_form(group, users):
    assert client_of(users["skola"]).get(f"/operative/{group.pk}/plan/").status_code == 403


def test_the_overview_shows_the_members_next_group_meeting(group, users):
    plan(group, users["socialtjanst"])
    page = client_of(users["skola"]).get("/sspf/dashboard/").content.decode()
    assert "Nästa möte i Operativa gruppen Centrum" in page
    other = client_of(users["fritid"]).get("/sspf/dashboard/").content.decode()
    assert "Operativa gruppen Centrum" not in other
