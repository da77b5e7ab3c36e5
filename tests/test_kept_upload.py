"""Issue 12 (12, part): a signed consent form uploaded with a submit that is refused is kept —
in the private media directory, named by a signed token in the form — and used when the form is
sent again without a new file; a new file replaces it; a token that is old, forged or another
user's brings nothing back; kept files older than a day are swept away."""

import datetime as dt
import os
import re

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.workflow import kept_uploads, steps
from sspf_flow.models import Consent
from tests.builders import accept_step, consent_post, signed_pdf

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n% just denna underskrivna blankett\n"


@pytest.fixture
def consent_task(client, refer, coordinator):
    case = refer()
    accept_step(case, coordinator)
    task = steps.open_task(case, "obtain_consent")
    client.force_login(coordinator)
    return case, f"/case/{task.process_id}/obtain_consent/{task.pk}/execute/"


def scan():
    return SimpleUploadedFile("underskrift-lou.pdf", SCAN, "application/pdf")


def token_in(page):
    return re.search(r'name="kept_signed_form" value="([^"]+)"', page).group(1)


def test_a_form_refused_at_a_field_keeps_the_upload_for_the_next_submit(
    client, consent_task, agencies
):
    case, url = consent_task
    refused = client.post(
        url, consent_post(case, [agencies["skola"].pk], signed_form=scan(), categories=[])
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and not Consent.objects.exists()
    assert "Bifogad: underskrift-lou.pdf (behålls)" in page

    again = consent_post(
        case, [agencies["skola"].pk], signed_form=None, kept_signed_form=token_in(page)
    )
    assert client.post(url, again).status_code == 302

    consent = Consent.objects.get()
    assert consent.signed_form.read() == SCAN


def test_a_refusal_by_the_service_keeps_the_upload_too(client, consent_task, agencies):
    case, url = consent_task
    # the guardians with custody have not signed: the age rule (a service guard) refuses
    refused = client.post(
        url, consent_post(case, [agencies["skola"].pk], signed_form=scan(), signers=[])
    )
    page = refused.content.decode()
    assert "Bifogad: underskrift-lou.pdf (behålls)" in page and not Consent.objects.exists()

    again = consent_post(
        case, [agencies["skola"].pk], signed_form=None, kept_signed_form=token_in(page)
    )
    assert client.post(url, again).status_code == 302
    assert Consent.objects.get().signed_form.read() == SCAN


def test_a_new_file_replaces_the_kept_one(client, consent_task, agencies):
    case, url = consent_task
    page = client.post(
        url, consent_post(case, [agencies["skola"].pk], signed_form=scan(), categories=[])
    ).content.decode()
    again = consent_post(case, [agencies["skola"].pk], kept_signed_form=token_in(page))
    assert client.post(url, again).status_code == 302
    assert Consent.objects.get().signed_form.read() == signed_pdf().read()


def test_another_users_or_a_forged_token_brings_nothing_back(users, coordinator):
    token = kept_uploads.keep(scan(), coordinator)
    assert kept_uploads.restore(token, coordinator).read() == SCAN
    assert kept_uploads.restore(token, users["skola"]) is None
    assert kept_uploads.restore(token + "x", coordinator) is None


def test_a_kept_file_is_refused_and_swept_away_after_a_day(coordinator):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        token = kept_uploads.keep(scan(), coordinator)
    (name,) = default_storage.listdir(kept_uploads.FOLDER)[1]
    assert default_storage.path(f"kept/{name}").startswith(str(default_storage.location))
    later = now + dt.timedelta(days=1, minutes=1)
    with time_machine.travel(later, tick=False):
        assert kept_uploads.restore(token, coordinator) is None
        old = (now - dt.timedelta(minutes=1)).timestamp()
        os.utime(default_storage.path(f"kept/{name}"), (old, old))
        kept_uploads.keep(scan(), coordinator)
    assert name not in default_storage.listdir(kept_uploads.FOLDER)[1]
