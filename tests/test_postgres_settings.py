"""The application prices PostgreSQL's plans for data in memory or on SSD: each of its
connections sets ``random_page_cost`` to 1.1 (at the server's default of 4 a busy coordinator's
overview read every deadline by a sequential scan), unless ``DATABASE_URL`` sets it itself."""

import runpy

import pytest
from django.db import connection

import project.settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def settings_with(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    return runpy.run_path(project.settings.__file__)["DATABASES"]["default"]


def test_each_connection_prices_random_reads_as_on_ssd():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_database_url_may_set_it_otherwise(monkeypatch):
    default = settings_with(monkeypatch, "postgres://sspf@db/sspf")
    assert default["OPTIONS"]["options"] == "-c random_page_cost=1.1"
    spinning = settings_with(
        monkeypatch, "postgres://sspf@db/sspf?options=-c%20random_page_cost%3D4"
    )
    assert spinning["OPTIONS"]["options"] == "-c random_page_cost=4"
