"""The printable consent form lists the agencies, information categories, purpose, period and
the right to withdraw (checked in the PDF's extracted text)."""

import io
import re

from django.utils import translation
from pypdf import PdfReader

from sspf_flow import services
from sspf_flow.models import AccessLog, InformationCategory
from tests.builders import assessed


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return re.sub(r"\s+([.,;:])", r"\1", text)  # extraction may split a word from its stop


def test_a_registered_consent_prints_with_its_scope(
    client, refer, coordinator, consent_for, agencies
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent = consent_for(case, [agencies["skola"], agencies["polis"]])
    client.force_login(coordinator)
    text = pdf_text(client.get(f"/sspf/{case.number}/consent/{consent.pk}/form.pdf"))
    assert agencies["skola"].name in text and agencies["polis"].name in text
    assert agencies["fritid"].name not in text
    with translation.override("sv"):
        assert str(InformationCategory.SCHOOL.label) in text
    assert consent.purpose in text
    assert consent.valid_to.strftime("%Y-%m-%d") in text
    assert "återkalla" in text.lower()
    assert case.number in text and "Lou" in text


def test_a_blank_form_to_sign_lists_every_agency_and_category(client, refer, coordinator, agencies):
    case = refer()
    client.force_login(coordinator)
    text = pdf_text(client.get(f"/sspf/{case.number}/consent-form.pdf"))
    assert all(agency.name in text for agency in agencies.values())
    with translation.override("sv"):
        assert all(str(label) in text for label in InformationCategory.labels)
    assert "Vårdnadshavare Ett" in text and "Vårdnadshavare Två" in text


def test_printing_is_logged_and_for_the_coordinator_only(
    client, refer, coordinator, users, consent_for, agencies
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent_for(case, [agencies["polis"]])
    client.force_login(users["polis"])
    assert client.get(f"/sspf/{case.number}/consent-form.pdf").status_code == 403
    client.force_login(coordinator)
    client.get(f"/sspf/{case.number}/consent-form.pdf")
    assert AccessLog.objects.filter(case=case, user=coordinator, action="download").exists()
