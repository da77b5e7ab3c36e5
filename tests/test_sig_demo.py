"""Issue 13 (6): the demo's SIG (seed 002's style): eight on the police's priority list, five
taken into "Pilotomgång" coached by social services' youth coach Cornelia (no member of the
group), two who declined, one offered and not answered; one of the five closed (moved), status
notes for the others. The police see it all; Cornelia her five; the school nothing."""

import pytest
from django.contrib.auth.models import User

from operative import sig
from operative.models import OperativeGroup, SigEntry, SigStage
from tests.builders import client_of


@pytest.fixture
def demo(demo_in_module, db, settings):
    settings.SSPF_DEMO = True
    return OperativeGroup.objects.get()


def test_the_demo_has_seed_002s_figures(demo):
    figures = sig.figures(demo)
    assert {k: figures[k] for k in ("listed", "offered", "declined", "in_cohort")} == {
        "listed": 8,
        "offered": 8,
        "declined": 2,
        "in_cohort": 5,
    }
    assert (figures["ongoing"], figures["closed"]) == (4, 1)
    assert [(str(label), n) for label, n in figures["reasons"]] == [("Flyttar från kommunen", 1)]
    stages = sorted(entry.stage for entry in SigEntry.objects.all())
    assert stages.count(SigStage.OFFERED) == 1


def test_the_police_see_the_demo_list_with_the_latest_status(demo):
    page = client_of(User.objects.get(username="per")).get(f"/operative/{demo.pk}/sig/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Viggo Holmström" in text and "Tackat nej: Vill inte samverka med polisen" in text
    assert "10 månader utan känt brott" in text  # Nora's latest note
    assert "Pilotomgång" in text and "Cornelia Demo" in text


def test_cornelia_coaches_the_five_and_sees_no_one_else(demo):
    client = client_of(User.objects.get(username="cornelia"))
    page = client.get("/operative/sig/coached/").content.decode()
    for name in ("Elton Bergqvist", "Hugo Lindgren", "Malte Öberg", "Nora Sundin", "Ines Wallin"):
        assert name in page
    assert "Viggo" not in page and "Milo" not in page
    assert client.get(f"/operative/{demo.pk}/sig/").status_code == 403


def test_the_school_sees_no_sig_in_the_demo(demo):
    client = client_of(User.objects.get(username="sara"))
    assert client.get(f"/operative/{demo.pk}/sig/").status_code == 403
    assert "/sig/" not in client.get(f"/operative/{demo.pk}/").content.decode()


def test_the_coach_finds_her_list_in_the_menu_and_no_one_else_does(demo):
    """The coach is no member of the group: the menu takes her to the young people she coaches
    (known with her user row, no query of its own); the police's menu has no such link."""
    coached = "/operative/sig/coached/"
    page = client_of(User.objects.get(username="cornelia")).get("/sspf/dashboard/")
    assert page.status_code == 200 and coached in page.content.decode()
    assert "Mina ungdomar i SIG" in page.content.decode()
    page = client_of(User.objects.get(username="per")).get("/sspf/dashboard/")
    assert coached not in page.content.decode()
