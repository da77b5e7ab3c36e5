"""Issue 13 (4): Youngsters (seed 001, Bilaga 1), through its services. The group's police and
social services members take a young person up, plan a concern talk ("bekymringssamtal") with
at least one of each of them, at home or at a named place, record it held with the measures
agreed, plan a follow-up only after a held talk (one planned meeting at a time), follow the
measures up there, and close the track with a coded outcome (not while a meeting is planned).
Every rule refused and allowed; a refusal writes nothing."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from operative import youngsters
from operative.models import AgreedMeasure, ConcernTalk, YoungstersTrack
from sspf_flow.models import Youth
from sspf_flow.refusals import TransitionRefused
from tests.builders import IDENTITY_NUMBER, operative_group
from tests.footprint import FROZEN

NOTICED = "Snatteri i centrum två gånger på en månad, sena kvällar med äldre kamrater."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return operative_group(users, agencies)


@pytest.fixture
def youth(municipality):
    return Youth.objects.create(
        municipality=municipality,
        first_name="Noah",
        last_name="Lindqvist",
        birth_date=dt.date(2011, 5, 4),
        gender="pojke",
    )


@pytest.fixture
def track(group, users, youth):
    return youngsters.take_up(group, users["polis"], youth, noticed=NOTICED)


def both(group):
    return list(group.members.filter(agency__kind__in=["polis", "socialtjanst"]))


def plan(track, user, kind="talk", days=2, **more):
    data = {
        "kind": kind,
        "starts_at": timezone.now() + dt.timedelta(days=days),
        "where": "home",
        "place": "",
        "participants": both(track.group),
    }
    return youngsters.plan_talk(track, user, **{**data, **more})


def held(talk, user, measures=(), followed=None):
    with time_machine.travel(talk.starts_at + dt.timedelta(hours=1), tick=False):
        return youngsters.hold_talk(
            talk,
            user,
            guardians_present=True,
            youth_present=True,
            record="Samtal hemma med mamma och Noah.",
            measures=list(measures),
            followed=followed,
        )


def refused(call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    return " ".join(map(str, caught.value.reasons))


MEASURES = [
    {"text": "Noah är hemma senast 21 på vardagar.", "responsible": "guardian", "due": None},
    {
        "text": "Socialtjänsten erbjuder en fritidsaktivitet.",
        "responsible": "social_services",
        "due": dt.date(2025, 3, 30),
    },
]


def test_the_police_take_a_young_person_up_and_the_case_is_linked(group, users, youth, track):
    assert (track.youth, track.group, track.added_by) == (youth, group, users["polis"])
    assert track.opened_on == FROZEN.date() and track.is_open and track.case is None


def test_the_school_member_cannot_take_anyone_up(group, users, youth):
    said = refused(lambda: youngsters.take_up(group, users["skola"], youth, noticed=NOTICED))
    assert "polis och socialtjänst" in said.lower() or "polisen och socialtjänsten" in said
    assert not YoungstersTrack.objects.exists()


def test_one_open_track_per_young_person(group, users, youth, track):
    said = refused(lambda: youngsters.take_up(group, users["socialtjanst"], youth, noticed="x"))
    assert "redan" in said
    assert YoungstersTrack.objects.count() == 1


def test_a_talk_at_home_with_police_and_social_services_is_planned(track, users):
    talk = plan(track, users["socialtjanst"])
    assert talk.status == "planned" and talk.kind == "talk"
    assert {m.agency.kind for m in talk.participants.all()} == {"polis", "socialtjanst"}


@pytest.mark.parametrize(
    ("more", "reason"),
    [
        ({"where": "elsewhere"}, "Ange var samtalet hålls."),
        ({"days": -1}, "Välj en tid som inte har passerat."),
        ({"participants": "police only"}, "minst en av gruppens ledamöter från socialtjänsten"),
        ({"participants": "social only"}, "minst en av gruppens ledamöter från polisen"),
        ({"kind": "follow_up"}, "efter att ett bekymringssamtal har hållits"),
    ],
)
def test_a_refused_talk_writes_nothing(track, users, more, reason):
    who = {"police only": "polis", "social only": "socialtjanst"}.get(more.get("participants"))
    if who:
        more = {**more, "participants": list(track.group.members.filter(agency__kind=who))}
    assert reason in refused(lambda: plan(track, users["polis"], **more))
    assert not ConcernTalk.objects.exists()


def test_a_talk_elsewhere_names_its_place(track, users):
    talk = plan(track, users["polis"], where="elsewhere", place="Fritidsgården Navet")
    assert talk.get_where_display() == "Annan plats" and talk.place == "Fritidsgården Navet"


def test_only_one_meeting_is_planned_at_a_time(track, users):
    plan(track, users["polis"])
    assert "redan planerat" in refused(lambda: plan(track, users["polis"], days=3))


def test_a_talk_is_recorded_once_it_has_begun(track, users):
    talk = plan(track, users["polis"])
    said = refused(
        lambda: youngsters.hold_talk(
            talk, users["polis"], guardians_present=True, youth_present=True, record="."
        )
    )
    assert "har inte börjat" in said


def test_a_held_talk_keeps_its_measures_and_allows_a_follow_up(track, users):
    talk = held(plan(track, users["polis"]), users["polis"], MEASURES)
    assert talk.status == "held" and talk.guardians_present and talk.youth_present
    assert list(talk.measures.values_list("responsible", "status")) == [
        ("guardian", "open"),
        ("social_services", "open"),
    ]
    follow_up = plan(track, users["socialtjanst"], kind="follow_up", days=16)
    assert follow_up.kind == "follow_up"


def test_a_measure_due_before_the_talk_is_refused(track, users):
    talk = plan(track, users["polis"])
    early = [{**MEASURES[1], "due": timezone.localdate(talk.starts_at)}]
    assert "Välj ett datum efter mötet." in refused(lambda: held(talk, users["polis"], early))
    talk.refresh_from_db()
    assert talk.status == "planned" and not AgreedMeasure.objects.exists()


def test_the_follow_up_sets_the_earlier_measures_status(track, users):
    talk = held(plan(track, users["polis"]), users["polis"], MEASURES)
    first, second = talk.measures.all()
    follow_up = plan(track, users["polis"], kind="follow_up", days=16)
    held(follow_up, users["socialtjanst"], followed={first.pk: "done", second.pk: "not_done"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "not_done")
    assert first.followed_up_at == second.followed_up_at == follow_up


def test_a_track_with_a_planned_talk_cannot_close(track, users):
    plan(track, users["polis"])
    said = refused(lambda: youngsters.close_track(track, users["polis"], outcome="concern_gone"))
    assert "planerat" in said
    track.refresh_from_db()
    assert track.is_open


@pytest.mark.parametrize(
    ("outcome", "text", "reason"),
    [("", "", "Välj utfall."), ("other", "", "Beskriv utfallet med några ord.")],
)
def test_closing_needs_an_outcome(track, users, outcome, text, reason):
    said = refused(
        lambda: youngsters.close_track(track, users["polis"], outcome=outcome, outcome_text=text)
    )
    assert reason in said


def test_a_track_closes_with_its_outcome_and_then_plans_nothing(track, users):
    youngsters.close_track(track, users["socialtjanst"], outcome="declined")
    track.refresh_from_db()
    assert track.get_outcome_display() == "Familjen tackade nej"
    assert track.closed_on == FROZEN.date() and track.closed_by == users["socialtjanst"]
    assert "Spåret är avslutat." in refused(lambda: plan(track, users["polis"]))


def test_referred_to_sspf_links_the_young_persons_case(track, users, refer):
    case = refer()
    track.youth = case.youth
    track.save()
    youngsters.close_track(track, users["polis"], outcome="referred_sspf")
    track.refresh_from_db()
    assert track.case == case


def test_a_cancelled_talk_frees_the_track(track, users):
    talk = plan(track, users["polis"])
    youngsters.cancel_talk(talk, users["socialtjanst"])
    youngsters.close_track(track, users["polis"], outcome="moved")
    talk.refresh_from_db()
    assert talk.status == "cancelled"


def test_free_texts_carry_no_identity_number(group, users, youth):
    noticed = f"Gäller {IDENTITY_NUMBER}."
    said = refused(lambda: youngsters.take_up(group, users["polis"], youth, noticed=noticed))
    assert "personnummer" in said
