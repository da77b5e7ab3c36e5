"""Registering consent: information categories, the signed form (type- and size-checked,
downloaded only by the coordinator, and logged), refusals shown next to the field."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.workflow import steps
from sspf_flow import services
from sspf_flow.models import AccessLog, Consent
from tests.builders import ALL_CATEGORIES, accept_step, assessed, consent_post, signed_pdf


@pytest.fixture
def consent_task(client, refer, coordinator):
    case = refer()
    accept_step(case, coordinator)
    task = steps.open_task(case, "obtain_consent")
    client.force_login(coordinator)
    return case, f"/case/{task.process_id}/obtain_consent/{task.pk}/execute/"


def post(case, agencies, **changes):
    return consent_post(case, [agencies["skola"].pk], days=180, **changes)


def test_consent_with_categories_and_signed_form_is_registered(client, consent_task, agencies):
    case, url = consent_task
    assert client.post(url, post(case, agencies)).status_code == 302
    consent = Consent.objects.get()
    assert consent.categories == sorted(ALL_CATEGORIES)
    assert consent.signed_form.read().startswith(b"%PDF-")


def test_consent_without_categories_is_refused_next_to_the_field(client, consent_task, agencies):
    case, url = consent_task
    response = client.post(url, post(case, agencies, categories=[]))
    assert response.status_code == 200 and response.context["form"].errors["categories"]
    assert not Consent.objects.exists()


def test_written_consent_without_the_signed_form_is_refused(client, consent_task, agencies):
    case, url = consent_task
    response = client.post(url, post(case, agencies, signed_form=None))
    assert response.status_code == 200
    assert response.context["form"].errors["signed_form"] == [  # the guard's words, at the field
        "Skriftligt samtycke kräver den underskrivna blanketten (PDF eller bild)."
    ]
    assert not Consent.objects.exists()


def test_a_signed_form_that_is_not_pdf_or_image_is_refused(client, consent_task, agencies):
    case, url = consent_task
    fake = SimpleUploadedFile("samtycke.pdf", b"#!/bin/sh\necho hej\n", "application/pdf")
    response = client.post(url, post(case, agencies, signed_form=fake))
    assert response.context["form"].errors["signed_form"]
    assert not Consent.objects.exists()


def test_a_signed_form_too_large_is_refused(client, consent_task, agencies, settings):
    settings.CONSENT_UPLOAD_MAX_BYTES = 16
    case, url = consent_task
    big = SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4" + b"x" * 64, "application/pdf")
    response = client.post(url, post(case, agencies, signed_form=big))
    assert response.context["form"].errors["signed_form"]
    assert not Consent.objects.exists()


def test_the_coordinator_downloads_the_signed_form_and_it_is_logged(
    client, refer, coordinator, consent_for, agencies
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent = consent_for(case, [agencies["polis"]])
    client.force_login(coordinator)
    response = client.get(f"/sspf/{case.number}/consent/{consent.pk}/signed-form/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == signed_pdf().read()
    assert AccessLog.objects.filter(case=case, action="download", user=coordinator).exists()


def test_the_signed_form_is_not_for_agencies_nor_a_plain_file(
    client, refer, coordinator, consent_for, agencies, users
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent = consent_for(case, [agencies["polis"]])
    client.force_login(users["polis"])
    assert client.get(f"/sspf/{case.number}/consent/{consent.pk}/signed-form/").status_code == 403
    assert client.get(f"/media/{consent.signed_form.name}").status_code == 404


def further(case, agencies, **changes):
    data = post(case, agencies, **changes)
    data.pop("decision")
    return data


def test_an_expired_consent_is_renewed_on_the_case_page(
    client, refer, coordinator, users, consent_for, agencies
):
    import time_machine

    from tests.builders import walk_to_meeting_planned

    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [agencies["skola"]])
    later = timezone.now() + dt.timedelta(days=200)  # consent_for gives 180 days
    with time_machine.travel(later, tick=False):
        school = client.__class__()
        school.force_login(users["skola"])
        assert school.get(f"/sspf/{case.number}/").status_code == 404
        client.force_login(coordinator)
        today = timezone.localdate()
        response = client.post(
            f"/sspf/{case.number}/consent/new/",
            further(
                case, agencies, valid_from=str(today), valid_to=str(today + dt.timedelta(days=90))
            ),
        )
        assert response.status_code == 302
        assert school.get(f"/sspf/{case.number}/").status_code == 200
    case.refresh_from_db()
    assert case.status == "meeting_planned" and case.consents.count() == 2


def test_a_further_consent_cannot_close_the_case(client, refer, coordinator, consent_for, agencies):
    from tests.builders import walk_to_meeting_planned

    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [agencies["skola"]])
    client.force_login(coordinator)
    data = {**further(case, agencies), "decision": "close", "closure_reason": "moved"}
    assert client.post(f"/sspf/{case.number}/consent/new/", data).status_code == 302
    case.refresh_from_db()
    assert case.status == "meeting_planned" and case.consents.count() == 2


def test_the_first_consent_belongs_to_the_flows_step(client, consent_task, agencies):
    case, _url = consent_task
    response = client.post(f"/sspf/{case.number}/consent/new/", further(case, agencies))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Consent.objects.exists()
