"""Issue 13 (6): SIG's pages (seed 002). The police put a young person on the priority list,
record the offer, the answer (declined with a coded reason, or accepted), take them into a
cohort on consent, their coach writes status notes, the police close them with a coded reason,
all through the pages. The police and social services members of the group see everything;
the coach only the people they coach; everyone else 403 and no names; a visitor the login.
Every page naming someone is logged per young person; the lists keep their query count."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operative import sig
from operative.models import SigEntry, SigStage, SigStatus
from sspf_flow.models import AccessLog
from sspf_flow.roles import Role
from tests.builders import IDENTITY_NUMBER, client_of, make_user, operative_group
from tests.footprint import FROZEN, TODAY
from tests.programme_builders import sig_person

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return operative_group(users, agencies)


@pytest.fixture
def coach(agencies):
    """A youth coach in social services, not a member of the group."""
    return make_user("cornelia", Role.SOCIAL_SERVICES, agencies["socialtjanst"])


@pytest.fixture
def police(users):
    return users["polis"]


@pytest.fixture
def cohort(group, police, coach):
    return sig.make_cohort(
        group, police, name="Pilotomgång", started_on=TODAY - 30 * DAY, coach=coach
    )


def in_cohort(group, police, cohort, n=0):
    entry = sig_person(group, police, listed_on=TODAY - 20 * DAY, n=n)
    sig.record_offer(entry, police, offered_on=TODAY - 10 * DAY)
    sig.record_answer(entry, police, answer="accepted", answered_on=TODAY - 9 * DAY)
    return sig.take_in(
        entry, police, cohort=cohort, consented_on=TODAY - 9 * DAY, joined_on=TODAY - 8 * DAY
    )


def post(client, url, data):
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.content.decode()
    return answer


# --- the walk through the pages ----------------------------------------------------------------


def test_the_walk_from_the_list_to_closed(group, police, coach, users):
    client = client_of(police)
    assert "SIG" in client.get(f"/operative/{group.pk}/").content.decode()
    post(
        client,
        f"/operative/{group.pk}/sig/cohort/",
        {"name": "Pilotomgång", "started_on": str(TODAY - 5 * DAY), "coach": coach.pk},
    )
    person = {
        "first_name": "Noel",
        "last_name": "Strandberg",
        "personal_number": IDENTITY_NUMBER,
        "birth_date": "1912-12-12",
        "gender": "pojke",
        "listed_on": str(TODAY - 4 * DAY),
    }
    answer = post(client, f"/operative/{group.pk}/sig/add/", person)
    entry = SigEntry.objects.get()
    assert answer.url == f"/operative/sig/{entry.pk}/"
    base = f"/operative/sig/{entry.pk}"
    page = client.get(base + "/").content.decode()
    assert "Noel Strandberg" in page and "På prioriteringslistan" in page
    post(client, base + "/offer/", {"offered_on": str(TODAY - 3 * DAY)})
    post(client, base + "/answer/", {"answer": "accepted", "answered_on": str(TODAY - 2 * DAY)})
    post(
        client,
        base + "/take-in/",
        {
            "cohort": entry.group.sig_cohorts.get().pk,
            "consented_on": str(TODAY - 2 * DAY),
            "joined_on": str(TODAY - DAY),
        },
    )
    entry.refresh_from_db()
    assert (entry.stage, entry.coach) == (SigStage.IN_COHORT, coach)
    note = {"day": str(TODAY), "crimes": "no", "drugs": "yes", "school_or_work": "yes"}
    post(client_of(coach), base + "/status/", {**note, "months_without_crime": "3"})
    listing = client.get(f"/operative/{group.pk}/sig/").content.decode()
    assert "Noel Strandberg" in listing and "3 månader utan känt brott" in listing
    post(client, base + "/close/", {"closed_on": str(TODAY), "closure_reason": "moved"})
    listing = client.get(f"/operative/{group.pk}/sig/").content.decode()
    assert "Avslutad: Flyttar från kommunen" in listing
    assert "Flyttar från kommunen: 1" in listing


def test_the_police_end_a_cohort_and_it_takes_no_one_in(group, police, cohort):
    client = client_of(police)
    url = f"/operative/sig/cohorts/{cohort.pk}/end/"
    too_early = client.post(url, {"ended_on": str(TODAY - 31 * DAY)}).content.decode()
    assert f"samma dag som omgången startade eller senare ({TODAY - 30 * DAY})" in too_early
    post(client, url, {"ended_on": str(TODAY)})
    cohort.refresh_from_db()
    assert cohort.ended_on == TODAY
    assert "Pilotomgång" in client.get(f"/operative/{group.pk}/sig/").content.decode()
    entry = sig_person(group, police, listed_on=TODAY - 5 * DAY)
    sig.record_offer(entry, police, offered_on=TODAY)
    sig.record_answer(entry, police, answer="accepted", answered_on=TODAY)
    answer = client.get(f"/operative/sig/{entry.pk}/take-in/").content.decode()
    assert "Pilotomgång" not in answer  # the ended cohort is no choice


def test_a_declined_offer_shows_its_reason(group, police):
    entry = sig_person(group, police, listed_on=TODAY - 5 * DAY)
    client = client_of(users_sven := group.members.get(role="chair").user)
    assert users_sven.username == "sven"
    post(client, f"/operative/sig/{entry.pk}/offer/", {"offered_on": str(TODAY - DAY)})
    post(
        client,
        f"/operative/sig/{entry.pk}/answer/",
        {"answer": "declined", "answered_on": str(TODAY), "declined_reason": "no_police"},
    )
    page = client.get(f"/operative/{group.pk}/sig/").content.decode()
    assert "Tackat nej: Vill inte samverka med polisen" in page


# --- bad input: Swedish errors at the field, nothing lost -----------------------------------------


def test_declining_without_a_reason_is_shown_at_the_field(group, police):
    entry = sig_person(group, police, listed_on=TODAY - 5 * DAY)
    sig.record_offer(entry, police, offered_on=TODAY)
    answer = client_of(police).post(
        f"/operative/sig/{entry.pk}/answer/", {"answer": "declined", "answered_on": str(TODAY)}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Välj varför de tackade nej." in page
    assert 'value="declined" required id="id_answer_1" checked' in page  # what was chosen is kept
    entry.refresh_from_db()
    assert entry.answer == "pending"


def test_taking_in_without_consent_is_refused_with_the_reason(group, police, cohort):
    entry = sig_person(group, police, listed_on=TODAY - 5 * DAY)
    sig.record_offer(entry, police, offered_on=TODAY)
    sig.record_answer(entry, police, answer="accepted", answered_on=TODAY)
    answer = client_of(police).post(
        f"/operative/sig/{entry.pk}/take-in/", {"cohort": cohort.pk, "joined_on": str(TODAY)}
    )
    assert answer.status_code == 200
    assert "SIG bygger på samtycke" in answer.content.decode()
    assert SigEntry.objects.get().cohort is None


def test_nonsense_dates_and_a_birth_date_in_the_future_read_in_swedish(group, police):
    answer = client_of(police).post(
        f"/operative/{group.pk}/sig/add/",
        {
            "first_name": "Noel",
            "last_name": "Strandberg",
            "birth_date": str(TODAY + DAY),
            "gender": "pojke",
            "listed_on": "igår",
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Fyll i ett giltigt datum." in page
    assert "Födelsedatumet ligger i framtiden." in page
    assert 'value="Strandberg"' in page
    assert not SigEntry.objects.exists()


def test_no_status_note_before_the_person_is_taken_in(group, police):
    entry = sig_person(group, police, listed_on=TODAY - 5 * DAY)
    answer = client_of(police).post(
        f"/operative/sig/{entry.pk}/status/",
        {"day": str(TODAY), "crimes": "no", "drugs": "no", "school_or_work": "yes"},
    )
    assert "Lägesanteckningar skrivs för en person i omgången" in answer.content.decode()
    assert not SigStatus.objects.exists()


# --- who sees what -------------------------------------------------------------------------------


@pytest.fixture
def people(group, police, cohort):
    """One person in the coach's cohort and one only on the list."""
    return in_cohort(group, police, cohort, n=0), sig_person(group, police, TODAY - DAY, n=1)


def pages(group, coached, listed):
    return {
        "list": f"/operative/{group.pk}/sig/",
        "add": f"/operative/{group.pk}/sig/add/",
        "cohort": f"/operative/{group.pk}/sig/cohort/",
        "cohort_end": f"/operative/sig/cohorts/{coached.cohort_id}/end/",
        "coached_entry": f"/operative/sig/{coached.pk}/",
        "coached_status": f"/operative/sig/{coached.pk}/status/",
        "coached_close": f"/operative/sig/{coached.pk}/close/",
        "listed_entry": f"/operative/sig/{listed.pk}/",
        "listed_offer": f"/operative/sig/{listed.pk}/offer/",
        "listed_answer": f"/operative/sig/{listed.pk}/answer/",
        "listed_take_in": f"/operative/sig/{listed.pk}/take-in/",
        "coached": "/operative/sig/coached/",
    }


COACHED, LISTED = "Noel Strandberg", "Wilma Ekholm"


@pytest.mark.parametrize("who", ["polis", "socialtjanst"])
def test_police_and_social_services_see_everything(group, people, users, who):
    client = client_of(users[who])
    for name, url in pages(group, *people).items():
        answer = client.get(url)
        if name == "coached":
            assert answer.status_code == 403, url  # they coach no one
            continue
        assert answer.status_code == 200, url
    listing = client.get(pages(group, *people)["list"]).content.decode()
    assert COACHED in listing and LISTED in listing


def test_the_coach_sees_only_the_people_they_coach(group, people, coach):
    client = client_of(coach)
    urls = pages(group, *people)
    for name, url in urls.items():
        expected = 200 if name in ("coached_entry", "coached_status", "coached") else 403
        answer = client.get(url)
        assert answer.status_code == expected, url
        assert LISTED not in answer.content.decode(), url
    own = client.get(urls["coached"]).content.decode()
    assert COACHED in own
    entry = client.get(urls["coached_entry"]).content.decode()
    assert "Skriv en lägesanteckning" in entry and "Avsluta" not in entry


@pytest.mark.parametrize("who", ["skola", "samordnare", "styrgrupp", "admin", "fritid"])
def test_everyone_else_is_refused_and_sees_no_name(group, people, users, who):
    client = client_of(users[who])
    for url in pages(group, *people).values():
        answer = client.get(url)
        assert answer.status_code == 403, f"{url} as {who}"
        page = answer.content.decode()
        assert COACHED not in page and LISTED not in page


def test_another_municipalitys_coordinator_is_refused(group, people, foreign_coordinator):
    client = client_of(foreign_coordinator)
    for url in pages(group, *people).values():
        assert client.get(url).status_code == 403, url


def test_a_visitor_is_asked_to_log_in(group, people):
    from django.test import Client

    for url in pages(group, *people).values():
        answer = Client().get(url)
        assert answer.status_code == 302 and "/login" in answer.url, url


def test_the_group_page_links_sig_only_for_police_and_social_services(group, users):
    assert "/sig/" in client_of(users["polis"]).get(f"/operative/{group.pk}/").content.decode()
    assert "/sig/" not in client_of(users["skola"]).get(f"/operative/{group.pk}/").content.decode()


# --- the access log and the query counts -------------------------------------------------------


def test_every_read_is_logged_per_young_person(group, people, users, coach):
    coached, listed = people
    client_of(users["polis"]).get(f"/operative/{group.pk}/sig/")
    logged = AccessLog.objects.filter(user=users["polis"])
    assert set(logged.values_list("youth_id", flat=True)) == {coached.youth_id, listed.youth_id}
    assert set(logged.values_list("case", flat=True)) == {None}
    client_of(coach).get(f"/operative/sig/{coached.pk}/")
    assert list(AccessLog.objects.filter(user=coach).values_list("youth_id", flat=True)) == [
        coached.youth_id
    ]


def test_a_refused_read_is_not_logged_as_a_read(group, people, users):
    client_of(users["skola"]).get(f"/operative/{group.pk}/sig/")
    assert not AccessLog.objects.filter(user=users["skola"]).exists()


@pytest.mark.parametrize("page", ["list", "coached"])
def test_the_lists_keep_their_query_count(
    group, police, cohort, coach, page, django_assert_num_queries
):
    """The same number of queries with one person as with five (each with a status note)."""
    client = client_of(police if page == "list" else coach)
    url = f"/operative/{group.pk}/sig/" if page == "list" else "/operative/sig/coached/"

    def person(n):
        entry = in_cohort(group, police, cohort, n=n)
        sig.record_status(entry, coach, day=TODAY, crimes="no", drugs="no", school_or_work="yes")

    person(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 5):
        person(n)
    assert SigEntry.objects.count() == 5
    with django_assert_num_queries(len(one)):
        answer = client.get(url)
    assert answer.content.decode().count('data-testid="sig-person"') == 5
