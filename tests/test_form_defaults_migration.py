"""The data migration of issue 12 (forms 0002): a municipality still using the old default
protocol / follow-up (which asked again what the steps ask) gets the new default published as
its next version; one that changed its template is left alone; what was filled in before stays
pinned to its version and renders as made. django-test-migrations is not installed: the
migration's function runs with the project's app registry on a municipality set up with the old
version 1, as an installation made before issue 12 has it."""

import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.test import Client

from casework.workflow import steps
from forms import services as form_services
from forms.models import FormTemplate, FormVersion
from sspf_flow.models import Municipality
from tests.builders import hold_meeting_post, walk_to_meeting_planned

MIGRATION = importlib.import_module("forms.migrations.0002_defaults_ask_nothing_the_step_asks")
OLD_DEFAULTS = Path(__file__).resolve().parent / "data" / "form_defaults_v1"
KINDS = ["protocol", "follow_up"]
WHEN = dt.datetime(2027, 1, 11, 8, 0, tzinfo=dt.UTC)


def migrate():
    with time_machine.travel(WHEN, tick=False):
        MIGRATION.publish_new_defaults(apps, None)


def with_old_defaults(municipality):
    """The municipality as installed before issue 12: the old protocol and follow-up, v1."""
    for kind in KINDS:
        municipality.form_templates.filter(kind=kind).delete()
        text = (OLD_DEFAULTS / f"{kind}.json").read_text(encoding="utf-8")
        _kind, name, fields = form_services.parse_import(text)
        template = form_services.create_template(municipality, kind, name, fields)
        form_services.publish(template.versions.get())
    return municipality


def versions(municipality, kind):
    """(number, status) of the template's versions, oldest first."""
    return list(
        FormVersion.objects.filter(template__municipality=municipality, template__kind=kind)
        .order_by("number")
        .values_list("number", "status")
    )


def default_fields(kind):
    return json.loads(form_services.DEFAULTS.joinpath(f"{kind}.json").read_text())["fields"]


@pytest.fixture
def old_installation(municipality):
    return with_old_defaults(municipality)


@pytest.mark.parametrize("kind", KINDS)
def test_an_untouched_old_default_gets_the_new_default_published_as_its_next_version(
    old_installation, kind
):
    old = FormVersion.objects.published_for(old_installation, kind)

    migrate()

    assert versions(old_installation, kind) == [(1, "retired"), (2, "published")]
    new = FormVersion.objects.published_for(old_installation, kind)
    assert new.fields == MIGRATION.NEW_FIELDS[kind]
    assert new.published_at == WHEN and new.created_at == WHEN and new.created_by is None
    old.refresh_from_db()
    assert old.status == "retired" and old.retired_at == WHEN
    assert old.fields[0]["key"] == MIGRATION.OLD_KEYS[kind][0]  # kept as it was


def test_the_migration_carries_the_defaults_of_issue_12():
    """When a default changes again, municipalities installed before need a migration of their
    own: this one's copy is the defaults as they were made in issue 12."""
    for kind in KINDS:
        assert MIGRATION.NEW_FIELDS[kind] == default_fields(kind), kind
        text = (OLD_DEFAULTS / f"{kind}.json").read_text(encoding="utf-8")
        assert MIGRATION.OLD_KEYS[kind] == [field["key"] for field in json.loads(text)["fields"]]


def test_a_changed_template_is_left_alone(old_installation):
    protocol = FormVersion.objects.published_for(old_installation, "protocol")
    draft = form_services.copy_to_draft(protocol)
    extra = {"key": "tolk", "type": "yes_no", "label": {"sv": "Deltog tolk?"}}
    form_services.save_draft(draft, [*draft.fields, extra])
    form_services.publish(draft)

    migrate()

    assert versions(old_installation, "protocol") == [(1, "retired"), (2, "published")]
    assert FormVersion.objects.published_for(old_installation, "protocol").fields[-1] == extra
    # the follow-up of the same municipality was untouched: it is brought up to date
    assert versions(old_installation, "follow_up") == [(1, "retired"), (2, "published")]


def test_new_defaults_and_retired_templates_are_left_alone(old_installation):
    newer = Municipality.objects.create(name="Nykommun", code="9998")  # the new defaults
    form_services.retire(FormVersion.objects.published_for(old_installation, "follow_up"))

    migrate()

    for kind in KINDS:
        assert versions(newer, kind) == [(1, "published")]
    assert versions(old_installation, "follow_up") == [(1, "retired")]
    assert versions(old_installation, "protocol") == [(1, "retired"), (2, "published")]


def test_running_it_again_changes_nothing(old_installation):
    migrate()
    before = list(FormVersion.objects.order_by("pk").values_list("pk", "status"))
    migrate()
    assert list(FormVersion.objects.order_by("pk").values_list("pk", "status")) == before


def test_a_protocol_filled_in_before_stays_pinned_and_renders_as_made(
    old_installation, refer, coordinator, agencies
):
    case = refer()
    skola = agencies["skola"]
    old = FormVersion.objects.published_for(old_installation, "protocol")
    answers = {
        "antecknare": "Anja",
        "nasta_uppfoljning": "2026-12-01",
        "ataganden": [{"part": {"id": skola.pk, "name": skola.name}, "atagande": "Läxhjälp"}],
    }
    submission = form_services.submit(old, answers, coordinator, case=case, about="meeting")

    migrate()

    submission.refresh_from_db()
    assert submission.version == old and submission.answers == answers
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert "Åtaganden per part" in page and "Läxhjälp" in page and "Antecknare" in page
    # and a new meeting answers the new version
    assert FormTemplate.objects.get(municipality=old_installation, kind="protocol").published != old


def test_a_draft_begun_before_is_kept_and_the_new_default_numbered_after_it(old_installation):
    draft = form_services.copy_to_draft(
        FormVersion.objects.published_for(old_installation, "protocol")
    )

    migrate()

    assert versions(old_installation, "protocol") == [
        (1, "retired"),
        (2, "draft"),
        (3, "published"),
    ]
    draft.refresh_from_db()
    assert [field["key"] for field in draft.fields] == MIGRATION.OLD_KEYS["protocol"]


def test_a_kept_old_protocol_still_asks_the_next_date_when_closing_at_a_meeting(
    old_installation, refer, coordinator, consent_for, agencies
):
    """Why the operator removes the step's questions from a changed template by hand."""
    skola = agencies["skola"]
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [skola])
    task = steps.open_task(case, "hold_meeting")
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    data = hold_meeting_post(
        [skola.pk],
        skola,
        next_follow_up=None,
        close_case="on",
        closure_reason="moved",
        **{"tpl-narvarande": "Lou och skolan.", "tpl-antecknare": "Anja"},
        **{"tpl-ataganden-TOTAL_FORMS": "0", "tpl-ataganden-INITIAL_FORMS": "0"},
    )
    client = Client()
    client.force_login(coordinator)

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    next_date = page[
        page.index('data-field="nasta_uppfoljning"') : page.index('data-field="ovrigt"')
    ]
    assert "Detta fält måste fyllas i." in next_date
    case.refresh_from_db()
    assert case.status == "meeting_planned"
