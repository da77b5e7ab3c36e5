"""Shared fixtures: one fictional municipality with its agencies and one user per role, a
referral and a consent made through the services, and the services the tests need (PostgreSQL,
a Celery app on Redis). The builders they use are in ``builders.py``."""

import datetime as dt
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

import project.urls  # noqa: F401  (mounts the flow, so its URLs reverse)
from casework.workflow.flows import CaseFlow
from sspf_flow import services
from sspf_flow.models import Agency, AgencyKind, Guardian, Membership, Municipality, Role
from tests.browser import PASSWORD, launch, log_in
from tests.builders import ALL_CATEGORIES, make_user, new_youth, signed_pdf

REQUIRE_SERVICES = os.environ.get("SSPF_REQUIRE_SERVICES") == "1"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _own_redis_database():
    """``bin/test`` runs the tests in two processes (pytest-xdist, ``--dist loadfile``). Each
    gets its own Redis database for Celery (gw0 → 1, gw1 → 2, …), so that a real worker started
    by one process never takes a task the other sent (each has its own test database)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL")
    if not (worker.startswith("gw") and url):
        return
    from django.conf import settings

    from project.celery import app

    parts = urlsplit(url)
    own = urlunsplit(parts._replace(path=f"/{1 + int(worker[2:])}"))
    settings.CELERY_BROKER_URL = own
    app.conf.broker_url = own


_own_redis_database()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL- and Redis-only tests skip on a laptop without them, but in CI
    (SSPF_REQUIRE_SERVICES=1) a missing service fails the run instead of hiding tests."""
    if REQUIRE_SERVICES:
        return
    on_postgres = "postgres" in os.environ.get("DATABASE_URL", "")
    on_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL=postgres://…"))
        if "redis" in item.keywords and not on_redis:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL"))


@pytest.fixture(autouse=True)
def _swedish(settings):
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(name="Exempelkommun", code="9999")


@pytest.fixture
def other_municipality(db):
    return Municipality.objects.create(name="Grannkommun", code="9998")


@pytest.fixture
def agencies(municipality):
    def agency(name, kind):
        return Agency.objects.create(
            municipality=municipality,
            name=name,
            kind=kind,
            contact_name=f"Kontakt {name}",
            contact_email=f"{kind}@exempel.invalid",
        )

    return {
        "skola": agency("Centralskolan", AgencyKind.SCHOOL),
        "socialtjanst": agency("Socialtjänsten", AgencyKind.SOCIAL_SERVICES),
        "polis": agency("Polisen lokalpolisområde", AgencyKind.POLICE),
        "fritid": agency("Fritidsgården Navet", AgencyKind.LEISURE),
        "trygghet": agency("Trygghet och beredskap", AgencyKind.SAFETY),
    }


@pytest.fixture
def users(agencies):
    return {
        "samordnare": make_user("anja", Role.COORDINATOR, agencies["socialtjanst"]),
        "skola": make_user("sara", Role.SCHOOL, agencies["skola"]),
        "socialtjanst": make_user("sven", Role.SOCIAL_SERVICES, agencies["socialtjanst"]),
        "polis": make_user("per", Role.POLICE, agencies["polis"]),
        "fritid": make_user("frida", Role.LEISURE, agencies["fritid"]),
        "trygghet": make_user("tove", Role.SAFETY, agencies["trygghet"]),
        "styrgrupp": make_user("stina", Role.STEERING_GROUP, agencies["socialtjanst"]),
        "admin": make_user("adam", Role.ADMIN, None),
    }


@pytest.fixture
def coordinator(users):
    return users["samordnare"]


@pytest.fixture
def admin_user(users):
    """The administrator, let into /admin/."""
    user = users["admin"]
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def scope(agencies):
    """The agencies the usual consent covers."""
    return [agencies["skola"], agencies["socialtjanst"]]


@pytest.fixture
def case(refer):
    """A case just referred by the school."""
    return refer()


@pytest.fixture
def foreign_coordinator(other_municipality):
    agency = Agency.objects.create(
        municipality=other_municipality, name="Grannsoc", kind=AgencyKind.SOCIAL_SERVICES
    )
    return make_user("greta", Role.COORDINATOR, agency)


@pytest.fixture
def manager(users, coordinator):
    """Anja's manager, who reviews the access log (and gets her escalations)."""
    Membership.objects.filter(user=coordinator).update(manager=users["socialtjanst"])
    return users["socialtjanst"]


@pytest.fixture
def refer(users):
    """Refer a fictional youth (14 by default, two custodial guardians) as the school."""

    def refer(age=14, by="skola"):
        guardians = [Guardian(name="Vårdnadshavare Ett"), Guardian(name="Vårdnadshavare Två")]
        case = services.refer_case(
            users[by],
            new_youth(age),
            guardians,
            programme="sspf",
            referral_source="skola",
            concerns=["school_absence"],
            concern_text="Ökad frånvaro.",
        )
        CaseFlow.start_from_code.run(case=case)
        return case

    return refer


@pytest.fixture
def consent_for(coordinator):
    def consent_for(case, agencies, days=180):
        today = timezone.localdate()
        signers = [("guardian", g) for g in case.youth.guardians.all()]
        if case.youth.age_on(today) >= 15:
            signers.append(("youth", None))
        return services.register_consent(
            case,
            coordinator,
            method="written",
            purpose="Samverkan i SSPF.",
            valid_from=today,
            valid_to=today + dt.timedelta(days=days),
            agencies=agencies,
            categories=ALL_CATEGORIES,
            signed_form=signed_pdf(),
            signers=signers,
            youth_view="Lou tycker att det är okej.",
        )

    return consent_for


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL")


@pytest.fixture(scope="module")
def browser():
    """Chromium for the browser tests of one module (``tests.browser``)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_server):
    """``page_as("sara")``: a page logged in as sara (each in its own browser context)."""
    pages = []

    def page_as(username, password=PASSWORD):
        page = log_in(browser, live_server.url, username, password)
        pages.append(page.context)
        return page

    yield page_as
    for context in pages:
        context.close()


@pytest.fixture(scope="module")
def demo_in_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for a module whose tests use ``db`` (a load takes about ten seconds
    on PostgreSQL): inside one transaction that the module's end rolls back, so each test runs
    in a savepoint of it and changes nothing for the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(SSPF_DEMO=True, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_committed(django_db_setup, django_db_blocker):
    """The demo, loaded and committed once for a module of browser tests (the live server reads
    it on its own connection); the module's end empties the database, as the end of a
    transactional test does. The module overrides ``transactional_db`` with
    ``tests.browser.keep_the_demo`` so that its tests do not empty it between them."""
    with django_db_blocker.unblock():
        with override_settings(SSPF_DEMO=True, PASSWORD_HASHERS=FAST_HASHERS):
            call_command("load_demo", verbosity=0)
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def _forget_result_backend(app):
    """Celery caches the result backend the first time a task is sent (disabled, outside the
    worker tests); forget it so that the worker tests' Redis backend is used, and afterwards."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_app_on_redis(settings):
    """The project's Celery app with results on Redis and tasks sent to a real broker; restored
    afterwards. Tests start their worker with ``start_worker`` on it."""
    from celery.signals import task_postrun
    from django.db import connection

    from project.celery import app

    def close_connection(**kwargs):
        # a worker in the test's own process keeps its thread's database connection between
        # tasks (CELERY_DB_REUSE_MAX), which would outlive the test and keep the test
        # database from being dropped: here each task closes it
        connection.close()

    saved = {key: app.conf[key] for key in ("result_backend", "task_always_eager")}
    app.conf.update(result_backend=settings.CELERY_BROKER_URL, task_always_eager=False)
    _forget_result_backend(app)
    task_postrun.connect(close_connection, weak=False)
    try:
        yield app
    finally:
        task_postrun.disconnect(close_connection)
        app.conf.update(saved)
        _forget_result_backend(app)


# Property-based tests explore the same examples on every run (set HYPOTHESIS_RANDOM=1 to search
# new ones locally), and keep no example database in the checkout.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("sspf", derandomize=True, database=None)
hypothesis_settings.register_profile("sspf-random", database=None)
hypothesis_settings.load_profile("sspf-random" if os.environ.get("HYPOTHESIS_RANDOM") else "sspf")
