"""The process owner's editor: add a question to the protocol template, publish it; a broken
template is refused with its reasons; import and export; only the administrator gets in."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forms import services
from forms.editor import initial_of
from forms.models import FormVersion, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, users):
    client.force_login(users["admin"])
    return client


@pytest.fixture
def protocol(municipality):
    return municipality.form_templates.get(kind="protocol")


def formset_post(fields, extra=None):
    """The editor's POST for ``fields`` (plus one new question ``extra``)."""
    rows = [initial_of(f) for f in fields] + ([extra] if extra else [])
    data = {
        "f-TOTAL_FORMS": str(len(rows)),
        "f-INITIAL_FORMS": str(len(fields)),
        "f-MIN_NUM_FORMS": "0",
        "f-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data[f"f-{n}-ORDER"] = str(n + 1)
        for name, value in row.items():
            if value in (None, False):
                continue
            data[f"f-{n}-{name}"] = "on" if value is True else str(value)
    return data


NEW_QUESTION = {
    "key": "skolnarvaro",
    "type": "choice",
    "label_sv": "Hur är skolnärvaron?",
    "label_en": "How is school attendance?",
    "required": True,
    "choices": "god = God\nsvag = Svag = Weak",
}


def test_a_process_owner_adds_a_question_and_publishes_it(admin, protocol):
    first = protocol.published
    page = admin.post(f"/forms/version/{first.pk}/copy/")
    draft = FormVersion.objects.get(template=protocol, status=VersionStatus.DRAFT)
    assert page.status_code == 302 and page["Location"] == f"/forms/version/{draft.pk}/edit/"
    assert admin.get(f"/forms/version/{draft.pk}/edit/").status_code == 200

    saved = admin.post(f"/forms/version/{draft.pk}/edit/", formset_post(draft.fields, NEW_QUESTION))
    assert saved.status_code == 302
    draft.refresh_from_db()
    question = draft.fields[-1]
    assert question["label"] == {"sv": "Hur är skolnärvaron?", "en": "How is school attendance?"}
    assert question["choices"][1] == {"value": "svag", "label": {"sv": "Svag", "en": "Weak"}}
    assert first.fields == FormVersion.objects.get(pk=first.pk).fields  # the old one unchanged

    preview = admin.get(f"/forms/version/{draft.pk}/preview/")
    assert "Hur är skolnärvaron?" in preview.content.decode()
    admin.post(f"/forms/version/{draft.pk}/publish/")
    protocol.refresh_from_db()
    assert protocol.published == draft
    assert FormVersion.objects.get(pk=first.pk).status == VersionStatus.RETIRED


def test_a_broken_template_is_refused_with_its_reasons_and_nothing_is_lost(admin, protocol):
    draft = services.copy_to_draft(protocol.published)
    broken = {**NEW_QUESTION, "key": "riskfaktorer", "choices": ""}  # a used key, no choices
    page = admin.post(f"/forms/version/{draft.pk}/edit/", formset_post(draft.fields, broken))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Två fält har nyckeln ”riskfaktorer”." in text
    assert "ett valfält behöver minst ett val" in text
    assert "Hur är skolnärvaron?" in text  # what was typed is still there
    draft.refresh_from_db()
    assert draft.fields == protocol.published.fields


def test_moving_and_deleting_questions(admin, protocol):
    draft = services.copy_to_draft(protocol.published)
    data = formset_post(draft.fields)
    data["f-0-ORDER"] = "99"  # the first question goes last
    data["f-1-DELETE"] = "on"
    admin.post(f"/forms/version/{draft.pk}/edit/", data)
    draft.refresh_from_db()
    keys = [f["key"] for f in draft.fields]
    before = [f["key"] for f in protocol.published.fields]
    assert keys == [*before[2:], before[0]]


def test_preview_checks_answers_without_storing(admin, protocol):
    from forms.models import Submission

    version = protocol.published
    page = admin.post(f"/forms/version/{version.pk}/preview/", {})
    assert "Detta fält måste fyllas i." in page.content.decode()
    assert not Submission.objects.exists()


def test_export_and_import_round_trip(admin, protocol):
    version = protocol.published
    exported = admin.get(f"/forms/version/{version.pk}/export.json")
    data = json.loads(exported.content)
    assert data["fields"] == version.fields
    data["fields"][0]["label"]["sv"] = "Deltagare vid mötet"
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")
    page = admin.post("/forms/import/", {"file": upload})
    draft = FormVersion.objects.get(template=protocol, status=VersionStatus.DRAFT)
    assert page.status_code == 302 and draft.fields[0]["label"]["sv"] == "Deltagare vid mötet"

    bad = SimpleUploadedFile("x.json", b"{not json", "application/json")
    refused = admin.post("/forms/import/", {"file": bad})
    assert "Filen är inte JSON." in refused.content.decode()


def test_publishing_twice_or_editing_a_published_version_is_explained(admin, protocol):
    version = protocol.published
    page = admin.post(f"/forms/version/{version.pk}/publish/", follow=True)
    assert "Bara ett utkast kan publiceras." in page.content.decode()
    edit = admin.get(f"/forms/version/{version.pk}/edit/", follow=True)
    assert "Bara ett utkast kan ändras" in edit.content.decode()


def test_the_blank_form_prints(admin, protocol):
    response = admin.get(f"/forms/version/{protocol.published.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", ["samordnare", "skola", "styrgrupp"])
def test_only_the_administrator_edits_templates(client, users, role, protocol):
    client.force_login(users[role])
    assert client.get("/forms/").status_code == 403
    assert client.post(f"/forms/version/{protocol.published.pk}/retire/").status_code == 403
    protocol.refresh_from_db()
    assert protocol.published is not None


def test_importing_a_kind_the_municipality_lacks_creates_its_template(admin, protocol):
    exported = admin.get(f"/forms/version/{protocol.published.pk}/export.json").content
    protocol.versions.all().delete()
    protocol.delete()
    upload = SimpleUploadedFile("p.json", exported, "application/json")
    assert admin.post("/forms/import/", {"file": upload}).status_code == 302
    (draft,) = FormVersion.objects.filter(template__kind="protocol")
    assert draft.status == VersionStatus.DRAFT and draft.number == 1
