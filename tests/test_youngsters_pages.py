"""Issue 13 (4): Youngsters' pages. The police member walks a young person through: taken up,
a concern talk planned at home, recorded held with two measures, a follow-up planned and held
(the measures' status set), the track closed with its outcome; the track's page says what
comes next at each step. Only the group's police and social services members open the pages
and see the name (the school member, the coordinator, the steering group, the administrator and
another municipality's coordinator get 403 and no name; a visitor the login); each read is in
the access log per young person; the list's queries do not grow with its tracks; bad input is
shown in Swedish at its field and kept; a planned talk is in its participants' calendar feeds
with no name; the demo's track shows on its pages."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from operative import demo_youngsters, youngsters
from operative.models import ConcernTalk, YoungstersTrack
from operative.views import feed_path
from sspf_flow.models import AccessLog, Youth
from tests.builders import IDENTITY_NUMBER, client_of, operative_group
from tests.footprint import FROZEN

NAME = "Noah Lindqvist"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return operative_group(users, agencies)


@pytest.fixture
def police(users):
    return client_of(users["polis"])


def person(**changes):
    data = {
        "person-first_name": "Noah",
        "person-last_name": "Lindqvist",
        "person-personal_number": IDENTITY_NUMBER,
        "person-birth_date": "1912-12-12",
        "person-gender": "pojke",
        "noticed": "Snatteri i centrum två gånger, sena kvällar med äldre kamrater.",
    }
    return {**data, **changes}


def make_track(group, user, first_name="Noah", last_name="Lindqvist"):
    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name=first_name,
        last_name=last_name,
        birth_date=dt.date(2011, 5, 4),
        gender="pojke",
    )
    return youngsters.take_up(group, user, youth, noticed="Klotter vid skolan.")


def members(group, kind):
    return [str(m.pk) for m in group.members.filter(agency__kind=kind)]


def talk_post(group, when, kind="talk", **changes):
    data = {
        "kind": kind,
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "where": "home",
        "place": "",
        "police": members(group, "polis"),
        "social_services": members(group, "socialtjanst"),
    }
    return {**data, **changes}


def held_post(measures=(), **more):
    data = {
        "guardians_present": "on",
        "youth_present": "on",
        "record": "Samtal hemma med mamma och Noah om kvällarna.",
        "measure-TOTAL_FORMS": "3",
        "measure-INITIAL_FORMS": "0",
    }
    for index, (text, responsible, due) in enumerate(measures):
        data.update(
            {
                f"measure-{index}-text": text,
                f"measure-{index}-responsible": responsible,
                f"measure-{index}-due": due,
            }
        )
    return {**data, **more}


def next_step(client, track):
    page = client.get(f"/operative/youngsters/{track.pk}/").content.decode()
    return page.split('data-testid="youngsters-next"', 1)[1].split("</div>", 1)[0]


def test_the_police_walk_a_young_person_from_talk_to_outcome(group, users, police):
    answer = police.post(f"/operative/{group.pk}/youngsters/new/", person())
    assert answer.status_code == 302, answer.content.decode()
    track = YoungstersTrack.objects.get()
    assert track.youth.personal_number == IDENTITY_NUMBER
    assert "Planera bekymringssamtalet" in next_step(police, track)

    when = timezone.localtime() + dt.timedelta(days=2)
    answer = police.post(f"/operative/youngsters/{track.pk}/plan/", talk_post(group, when))
    assert answer.status_code == 302, answer.content.decode()
    talk = ConcernTalk.objects.get()
    assert "Håll det planerade mötet" in next_step(police, track)

    with time_machine.travel(talk.starts_at + dt.timedelta(hours=1), tick=False):
        police = client_of(users["polis"])  # a new day: the session has lapsed
        assert "Anteckna det hållna mötet" in next_step(police, track)
        measures = [
            ("Noah är hemma senast 21 på vardagar.", "guardian", ""),
            ("Socialtjänsten erbjuder en fritidsaktivitet.", "social_services", "2025-03-30"),
        ]
        answer = police.post(f"/operative/youngsters/talks/{talk.pk}/held/", held_post(measures))
        assert answer.status_code == 302, answer.content.decode()
        assert "Planera ett uppföljningsmöte" in next_step(police, track)
        when = timezone.localtime() + dt.timedelta(days=14)
        plan = police.get(f"/operative/youngsters/{track.pk}/plan/").content.decode()
        assert 'value="follow_up" selected' in plan
        answer = police.post(
            f"/operative/youngsters/{track.pk}/plan/", talk_post(group, when, "follow_up")
        )
        assert answer.status_code == 302, answer.content.decode()
    follow_up = ConcernTalk.objects.get(kind="follow_up")
    first, second = talk.measures.all()
    with time_machine.travel(follow_up.starts_at + dt.timedelta(hours=1), tick=False):
        police = client_of(users["polis"])
        url = f"/operative/youngsters/talks/{follow_up.pk}/held/"
        page = police.get(url).content.decode()
        assert "Noah är hemma senast 21 på vardagar." in page and "Hur gick de?" in page
        answer = police.post(
            url, held_post(**{f"measure_{first.pk}": "done", f"measure_{second.pk}": "not_done"})
        )
        assert answer.status_code == 302, answer.content.decode()
        close = f"/operative/youngsters/{track.pk}/close/"
        answer = police.post(close, {"outcome": "concern_gone", "outcome_text": ""})
        assert answer.status_code == 302, answer.content.decode()
        page = police.get(f"/operative/youngsters/{track.pk}/").content.decode()
    assert "De överenskomna åtgärderna hölls och oron är borta" in page
    assert "Genomförd" in page and "Inte genomförd" in page
    listing = police.get(f"/operative/{group.pk}/youngsters/").content.decode()
    closed = listing.split('data-testid="youngsters-closed"', 1)[1]
    assert NAME in closed and "oron är borta" in closed


def test_bad_input_is_shown_in_swedish_and_kept(group, police):
    url = f"/operative/{group.pk}/youngsters/new/"
    answer = police.post(url, person(**{"person-birth_date": "", "noticed": "Sena kvällar."}))
    page = answer.content.decode()
    assert answer.status_code == 200 and "Detta fält måste fyllas i." in page
    assert 'value="Lindqvist"' in page and "Sena kvällar." in page
    assert not YoungstersTrack.objects.exists()


def test_a_talk_elsewhere_without_a_place_or_police_is_refused_at_its_fields(group, users, police):
    track = make_track(group, users["polis"])
    when = timezone.localtime() + dt.timedelta(days=2)
    data = talk_post(group, when, where="elsewhere", police=[])
    answer = police.post(f"/operative/youngsters/{track.pk}/plan/", data)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Ange var samtalet hålls." in page
    assert "Välj minst en av gruppens ledamöter från polisen." in page
    assert not ConcernTalk.objects.exists()


def test_a_measure_due_before_the_talk_is_shown_at_its_field_and_kept(group, users):
    track = make_track(group, users["polis"])
    when = timezone.localtime() + dt.timedelta(days=2)
    talk = youngsters.plan_talk(
        track,
        users["polis"],
        kind="talk",
        starts_at=when,
        where="home",
        participants=list(group.members.exclude(agency__kind="skola")),
    )
    with time_machine.travel(talk.starts_at + dt.timedelta(hours=1), tick=False):
        early = [("Fritidsaktivitet varje vecka.", "social_services", str(when.date()))]
        answer = client_of(users["socialtjanst"]).post(
            f"/operative/youngsters/talks/{talk.pk}/held/", held_post(early)
        )
    page = answer.content.decode()
    assert answer.status_code == 200 and "Välj ett datum efter mötet." in page
    assert "Fritidsaktivitet varje vecka." in page and "Samtal hemma med mamma" in page
    talk.refresh_from_db()
    assert talk.status == "planned" and not talk.measures.exists()


def test_a_measure_kept_between_meetings_and_a_talk_cancelled(group, users, police):
    track = make_track(group, users["polis"])
    talk = ConcernTalk.objects.create(
        track=track, kind="talk", starts_at=timezone.now(), where="home"
    )
    measure = talk.measures.create(text="Hemma senast 21.", responsible="guardian")
    url = f"/operative/youngsters/measures/{measure.pk}/"
    answer = police.post(url, {"status": "not_done", "comment": "Kvällarna blev senare."})
    assert answer.status_code == 302
    answer = police.post(f"/operative/youngsters/talks/{talk.pk}/cancel/")
    assert answer.status_code == 302
    page = police.get(f"/operative/youngsters/{track.pk}/").content.decode()
    assert "Inte genomförd: Kvällarna blev senare." in page and "Inställt" in page
    assert "Planera bekymringssamtalet" in page


def test_closing_without_an_outcome_says_so(group, users, police):
    track = make_track(group, users["polis"])
    answer = police.post(f"/operative/youngsters/{track.pk}/close/", {"outcome_text": "x"})
    assert "Välj utfall." in answer.content.decode()
    track.refresh_from_db()
    assert track.is_open


def test_the_group_page_links_youngsters_for_police_and_social_services_only(group, users):
    link = f"/operative/{group.pk}/youngsters/"
    assert link in client_of(users["polis"]).get(f"/operative/{group.pk}/").content.decode()
    assert link not in client_of(users["skola"]).get(f"/operative/{group.pk}/").content.decode()


def track_urls(group, track):
    talk = ConcernTalk.objects.create(
        track=track, kind="talk", starts_at=timezone.now(), where="home"
    )
    measure = talk.measures.create(text="Hemma senast 21.", responsible="guardian")
    return [
        f"/operative/{group.pk}/youngsters/",
        f"/operative/{group.pk}/youngsters/new/",
        f"/operative/youngsters/{track.pk}/",
        f"/operative/youngsters/{track.pk}/plan/",
        f"/operative/youngsters/{track.pk}/close/",
        f"/operative/youngsters/talks/{talk.pk}/held/",
        f"/operative/youngsters/talks/{talk.pk}/cancel/",
        f"/operative/youngsters/measures/{measure.pk}/",
    ]


@pytest.mark.parametrize("who", ["polis", "socialtjanst"])
def test_police_and_social_services_members_see_the_name(group, users, who):
    track = make_track(group, users["polis"])
    client = client_of(users[who])
    for url in track_urls(group, track):
        answer = client.get(url)
        assert answer.status_code == 200, url
        if "/new/" not in url:
            assert NAME in answer.content.decode() or "Noah" in answer.content.decode(), url


@pytest.mark.parametrize("who", ["skola", "samordnare", "styrgrupp", "admin", "foreign"])
def test_everyone_else_gets_403_and_no_name(group, users, foreign_coordinator, who):
    track = make_track(group, users["polis"])
    user = foreign_coordinator if who == "foreign" else users[who]
    client = client_of(user)
    for url in track_urls(group, track):
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert "Noah" not in answer.content.decode() and "Lindqvist" not in answer.content.decode()
    # no read is logged; the refused attempts at the person's pages are (issue 15)
    rows = AccessLog.objects.filter(user=user)
    assert not rows.exclude(action="refused").exists()
    assert rows.exists() and {(row.youth_id, row.had_basis) for row in rows} == {
        (track.youth_id, False)
    }


def test_a_visitor_is_sent_to_log_in(group, users, client):
    track = make_track(group, users["polis"])
    for url in track_urls(group, track):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.url.startswith("/accounts/login/"), url


def test_reads_are_logged_per_young_person(group, users, police):
    track = make_track(group, users["polis"])
    other = make_track(group, users["polis"], "Alva", "Sjöberg")
    police.get(f"/operative/{group.pk}/youngsters/")
    police.get(f"/operative/youngsters/{track.pk}/")
    rows = AccessLog.objects.filter(user=users["polis"])
    assert sorted(rows.values_list("youth_id", flat=True)) == sorted(
        [track.youth_id, other.youth_id, track.youth_id]
    )
    assert not rows.filter(case__isnull=False).exists()


def test_the_list_keeps_its_queries_with_more_tracks(
    group, users, police, django_assert_max_num_queries, django_assert_num_queries
):
    make_track(group, users["polis"])
    url = f"/operative/{group.pk}/youngsters/"
    police.get(url)  # warm the session
    with django_assert_max_num_queries(99) as one:
        police.get(url)
    for index in range(4):
        make_track(group, users["polis"], f"Namn{index}", "Efternamn")
        youngsters.plan_talk(
            YoungstersTrack.objects.latest("pk"),
            users["polis"],
            kind="talk",
            starts_at=timezone.now() + dt.timedelta(days=2),
            where="home",
            participants=list(group.members.exclude(agency__kind="skola")),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = police.get(url).content.decode()
    assert page.count('data-testid="youngsters-track"') == 5


def test_a_planned_talk_is_in_its_participants_calendars_without_names(group, users, client):
    track = make_track(group, users["polis"])
    participants = list(group.members.exclude(agency__kind="skola"))
    talk = youngsters.plan_talk(
        track,
        users["polis"],
        kind="talk",
        starts_at=timezone.now() + dt.timedelta(days=2),
        where="elsewhere",
        place="Lindqvists trappuppgång",
        participants=participants,
    )
    police = group.members.get(user=users["polis"])
    feed = client.get(feed_path(police)).content.decode()
    assert "Youngsters: Bekymringssamtal" in feed and "Annan plats" in feed
    assert "Lindqvist" not in feed and "Noah" not in feed
    school = group.members.get(user=users["skola"])
    assert "Youngsters" not in client.get(feed_path(school)).content.decode()
    youngsters.cancel_talk(talk, users["socialtjanst"])
    feed = client.get(feed_path(police)).content.decode()
    assert "STATUS:CANCELLED" in feed and "SEQUENCE:1" in feed


def test_the_demo_track_shows_on_its_pages(group, users):
    by_name = {user.username: user for user in users.values()}
    demo_youngsters.load(group, by_name)
    police = client_of(users["polis"])
    listing = police.get(f"/operative/{group.pk}/youngsters/").content.decode()
    assert "Elias Berg" in listing and "Uppföljningsmöte" in listing
    track = YoungstersTrack.objects.get()
    page = police.get(f"/operative/youngsters/{track.pk}/").content.decode()
    assert "I hemmet" in page and "Vårdnadshavare var med." in page
    assert page.count('data-testid="youngsters-measure"') == 2
    assert "Håll det planerade mötet" in page
