"""Shared fixtures: one fictional municipality with its agencies and one user per role, plus
helpers that move a case along through the services (the task views are tested separately)."""

import datetime as dt
import os

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

import project.urls  # noqa: F401  (mounts the flow, so its URLs reverse)
from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from sspf_flow import services
from sspf_flow.models import Agency, AgencyKind, Guardian, Membership, Municipality, Role, Youth

REQUIRE_SERVICES = os.environ.get("SSPF_REQUIRE_SERVICES") == "1"
ALL_CATEGORIES = ["school", "social_services", "police", "leisure", "health"]


def signed_pdf():
    """A scanned signed consent form, as far as the upload check can tell (PDF magic bytes)."""
    return ContentFile(b"%PDF-1.4\n% signerad samtyckesblankett (test)\n", name="samtycke.pdf")


def signed_upload():
    """The same, as a browser uploads it."""
    return SimpleUploadedFile("samtycke.pdf", signed_pdf().read(), "application/pdf")


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


def make_user(username, role, agency):
    user = User.objects.create_user(
        username, password="pw-for-tests-only", first_name=username.capitalize()
    )
    user.groups.add(Group.objects.get(name=role))
    if agency is not None:
        Membership.objects.create(user=user, agency=agency)
    return user


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
def foreign_coordinator(other_municipality):
    agency = Agency.objects.create(
        municipality=other_municipality, name="Grannsoc", kind=AgencyKind.SOCIAL_SERVICES
    )
    return make_user("greta", Role.COORDINATOR, agency)


def new_youth(age=14):
    today = timezone.localdate()
    return Youth(
        first_name="Lou",
        last_name="Exempel",
        gender="annat",
        birth_date=today.replace(year=today.year - age) - dt.timedelta(days=30),
    )


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


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# What the step pages need for the required questions of the default form templates
# (forms/defaults), which every new municipality gets published: answers as the pages send them.
TEMPLATE_ANSWERS = {
    "referral": {"tpl-ungdomen_vet": "yes", "tpl-vardnadshavare_vet": "yes", "tpl-tolk": "no"},
    "consent": {"tpl-informerad": "yes", "tpl-ratt_att_aterkalla": "yes", "tpl-tolk": "no"},
    "protocol": {
        "tpl-narvarande": "Lou, vårdnadshavarna, skolan och socialtjänsten.",
        "tpl-antecknare": "Anja",
        "tpl-bild_ungdom": "Lou vill klara skolan.",
        "tpl-riskfaktorer": "Frånvaro.",
        "tpl-skyddsfaktorer": "Fotbollen.",
        "tpl-nasta_uppfoljning": "2030-01-15",
        "tpl-ataganden-TOTAL_FORMS": "0",
        "tpl-ataganden-INITIAL_FORMS": "0",
    },
    "follow_up": {
        "tpl-insatser-TOTAL_FORMS": "1",
        "tpl-insatser-INITIAL_FORMS": "0",
        "tpl-insatser-0-insats": "Extra stöd för närvaron.",
        "tpl-insatser-0-som_planerat": "yes",
        "tpl-insatser-0-som_avsett": "yes",
        "tpl-insatser-0-forandring": "no",
        "tpl-ungdomens_syn": "Lou tycker att det går bra.",
        "tpl-samtycke_fortsatt": "yes",
    },
}


def template_answers(kind):
    """POST data answering the default template of ``kind`` (referral, consent, protocol,
    follow_up) on its step's page."""
    return dict(TEMPLATE_ANSWERS[kind])


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
        "action-0-goal": "0",
        **template_answers("protocol"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=1):
    """Refer, accept, register consent for ``scope`` and plan a meeting inviting it, each step
    through its flow task; returns the case and its planned meeting."""
    case = refer()
    steps.complete(case, "assess", coordinator, lambda: services.accept_referral(case, coordinator))
    steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))
    meeting = steps.complete(
        case,
        "plan_meeting",
        coordinator,
        lambda: services.plan_meeting(
            case,
            coordinator,
            kind="network",
            starts_at=timezone.now() + dt.timedelta(days=days_ahead),
            place="Skolan",
            agencies=scope,
        ),
    )
    return case, meeting


def _forget_result_backend(app):
    """Celery caches the result backend the first time a task is sent (disabled, outside the
    worker tests); forget it so that the worker tests' Redis backend is used, and afterwards."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_app_on_redis(settings):
    """The project's Celery app with results on Redis and tasks sent to a real broker; restored
    afterwards. Tests start their worker with ``start_worker`` on it."""
    from project.celery import app

    saved = {key: app.conf[key] for key in ("result_backend", "task_always_eager")}
    app.conf.update(result_backend=settings.CELERY_BROKER_URL, task_always_eager=False)
    _forget_result_backend(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_result_backend(app)


# Property-based tests explore the same examples on every run (set HYPOTHESIS_RANDOM=1 to search
# new ones locally), and keep no example database in the checkout.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("sspf", derandomize=True, database=None)
hypothesis_settings.register_profile("sspf-random", database=None)
hypothesis_settings.load_profile("sspf-random" if os.environ.get("HYPOTHESIS_RANDOM") else "sspf")
