"""The municipality's form templates wired into the process (issue 5): the referral, the
consent (the flow's step and a further consent on the case page), the meeting protocol and the
follow-up each show the published template of their kind under the core fields, store the
answers as a submission pinned to that version in the step's transaction, and show the
submissions on the case page to those who see the full picture."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow import timers

from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from forms import services as form_services
from forms.models import FormVersion, Submission
from sspf_flow import services
from sspf_flow.models import Case, Consent, FollowUp, Municipality
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    ALL_CATEGORIES,
    OUTCOMES_POST,
    RBM_POST,
    assessed,
    case_in_progress,
    consent_post,
    hold_meeting_post,
    other_actions,
    publish_own_version,
    referral_post,
    signed_pdf,
    template_answers,
    walk_to_meeting_planned,
)

REQUIRED = "Detta fält måste fyllas i."


def step_for_municipality():
    """The tests' municipality (the referral step has no case yet)."""
    return Municipality.objects.get(code="9999")


def published(municipality, kind):
    return FormVersion.objects.get(
        template__municipality=municipality, template__kind=kind, status="published"
    )


def task_url(case, node):
    task = steps.open_task(case, node)
    assert task is not None, f"{case.number}: no open {node} task"
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def field_block(html, key):
    """The markup of one template field (label, help, errors, input) on a page."""
    match = re.search(
        rf'<div class="sspf-fill__field[^"]*" data-field="{key}">(.*?)(?=<div class="sspf-fill__'
        r"field|</fieldset>\s*$|</fieldset>\s*</section>)",
        html,
        re.S,
    )
    assert match, f"no template field {key} on the page"
    return match.group(1)


def submission_html(html, submission):
    match = re.search(
        rf'<section class="sspf-submission" data-testid="submission-{submission.pk}">.*?</section>',
        html,
        re.S,
    )
    assert match, f"submission {submission.pk} is not on the page"
    return match.group(0)


# --- each step, set up to be posted ---------------------------------------------------------


@dataclass
class Step:
    kind: str  # the template's kind
    about: str  # Submission.about
    url: str
    data: dict
    case: Case | None  # None for the referral: the case does not exist yet
    client: Client

    def post(self, data=None):
        return self.client.post(self.url, self.data if data is None else data)

    def without_template(self):
        return {k: v for k, v in self.data.items() if not k.startswith("tpl-")}


def consent_data(case, agencies, **changes):
    return consent_post(case, [agencies["skola"].pk, agencies["socialtjanst"].pk], **changes)


def hold_data(agencies, **changes):
    skola = agencies["skola"]
    return hold_meeting_post([skola.pk], skola, **changes)


def follow_up_data(case, **changes):
    plan = case.plans.order_by("-version").first()
    data = {"notes": "Närvaron är nu 93 %.", "decision": "close", "closure_reason": "goals_met"}
    data.update(RBM_POST)
    data.update(OUTCOMES_POST)
    for action in plan.actions.all():
        data[f"action_{action.pk}_status"] = "done"
        data[f"action_{action.pk}_comment"] = "Fungerade."
    for goal in plan.goals.all():
        data[f"goal_{goal.pk}"] = "met"
    data.update(template_answers("follow_up"))
    data.update(changes)
    return data


def in_progress(refer, coordinator, consent_for, agencies):
    """A case whose follow-up task is open (the meeting booked it for tomorrow)."""
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    timers.fire_due_timers()
    return case


STEPS = ["referral", "consent", "further_consent", "meeting", "follow_up"]


@pytest.fixture
def step_for(users, agencies, refer, coordinator, consent_for):
    def step_for(name):
        client = Client()
        if name == "referral":
            client.force_login(users["skola"])
            return Step(
                "referral",
                "referral",
                CaseFlow.start.reverse("execute"),
                referral_post(),
                None,
                client,
            )
        client.force_login(coordinator)
        if name == "consent":
            case = refer()
            steps.complete(
                case,
                "assess",
                coordinator,
                lambda: services.accept_referral(case, coordinator, assessed()),
            )
            url = task_url(case, "obtain_consent")
            return Step("consent", "consent", url, consent_data(case, agencies), case, client)
        if name == "further_consent":
            case, _meeting = walk_to_meeting_planned(
                refer, coordinator, consent_for, [agencies["skola"]]
            )
            data = consent_data(case, agencies)
            data.pop("decision")
            return Step(
                "consent", "consent", f"/sspf/{case.number}/consent/new/", data, case, client
            )
        if name == "meeting":
            case, _meeting = walk_to_meeting_planned(
                refer, coordinator, consent_for, [agencies["skola"], agencies["socialtjanst"]]
            )
            url = task_url(case, "hold_meeting")
            return Step("protocol", "meeting", url, hold_data(agencies), case, client)
        case = in_progress(refer, coordinator, consent_for, agencies)
        url = task_url(case, "follow_up")
        return Step("follow_up", "follow_up", url, follow_up_data(case), case, client)

    return step_for


def about_id(step):
    """The pk of what the step made: the consent, the meeting or the follow-up."""
    if step.about == "referral":
        return None
    if step.about == "consent":
        return Consent.objects.filter(case=step.case).latest("pk").pk
    if step.about == "meeting":
        return step.case.meetings.latest("pk").pk
    return FollowUp.objects.filter(case=step.case).latest("pk").pk


def state(step):
    """What a step changes: the case's status and how much it holds."""
    if step.case is None:
        return Case.objects.count()
    case = Case.objects.get(pk=step.case.pk)
    return (
        case.status,
        case.consents.count(),
        case.plans.count(),
        case.follow_ups.count(),
        steps.open_task(case, "obtain_consent") is not None,
    )


EXPECTED = {
    "referral": {
        "ungdomen_vet": True,
        "vardnadshavare_vet": True,
        "bast_kontakt": None,
        "tolk": False,  # "sprak" is asked only with an interpreter: left out
    },
    "consent": {
        "informerad": True,
        "ratt_att_aterkalla": True,
        "tolk": False,
        "kontaktsatt": "",
    },
    "protocol": {
        "bild_ungdom": "Lou vill klara skolan.",
        "bild_vardnadshavare": "",
        "riskfaktorer": "Frånvaro.",
        "skyddsfaktorer": "Fotbollen.",
        "ovrigt": "",
    },
    "follow_up": {
        "ungdomens_syn": "Lou tycker att det går bra.",
        "vardnadshavares_syn": "",
        "samtycke_fortsatt": True,
    },
}


# --- stored with the step --------------------------------------------------------------------


@pytest.mark.parametrize("name", STEPS)
def test_the_page_shows_the_published_template_under_its_heading(step_for, name):
    step = step_for(name)
    version = published(step.case.municipality if step.case else step_for_municipality(), step.kind)
    page = step.client.get(step.url).content.decode()
    assert 'data-testid="template-form"' in page
    assert f"<h3>{version.template.name}</h3>" in page
    for spec in version.fields:
        assert f'data-field="{spec["key"]}"' in page


@pytest.mark.parametrize("name", STEPS)
def test_each_step_stores_its_answers_pinned_to_the_published_version(step_for, name):
    step = step_for(name)
    response = step.post()
    assert response.status_code == 302, response.content.decode()[:3000]

    submission = Submission.objects.get()
    case = Case.objects.get() if step.case is None else step.case
    assert submission.case == case
    assert submission.version == published(case.municipality, step.kind)
    assert submission.about == step.about
    assert submission.about_id == about_id(step)
    assert submission.author.username == ("sara" if name == "referral" else "anja")
    assert submission.answers == EXPECTED[step.kind]


# --- a missing answer, a refusal --------------------------------------------------------------

MISSING = {
    "referral": "ungdomen_vet",
    "consent": "informerad",
    "protocol": "riskfaktorer",
    "follow_up": "ungdomens_syn",
}


@pytest.mark.parametrize("name", STEPS)
def test_a_missing_required_answer_shows_the_page_again_and_keeps_what_was_typed(step_for, name):
    step = step_for(name)
    before = state(step)
    missing = MISSING[step.kind]
    data = {**step.data, f"tpl-{missing}": ""}
    if step.kind == "referral":
        data["tpl-tolk"] = "yes"
        data["tpl-sprak"] = "Tigrinja"
    if step.kind == "follow_up":
        data["tpl-vardnadshavares_syn"] = "Föräldrarna är nöjda."

    response = step.post(data)

    assert response.status_code == 200
    page = response.content.decode()
    assert REQUIRED in field_block(page, missing)
    assert not Submission.objects.exists()
    assert state(step) == before
    # what was typed is still there, in the template and in the core form
    if step.kind == "referral":
        assert '<option value="yes" selected>' in field_block(page, "tolk")
        assert 'value="Tigrinja"' in field_block(page, "sprak")
        assert "Ökad frånvaro, positivt cannabistest" in page
    if step.kind == "consent":
        assert '<option value="yes" selected>' in field_block(page, "ratt_att_aterkalla")
        assert "Lou vill vara med." in page
    if step.kind == "protocol":
        assert "Skyddsfaktorer" in page and "Fotbollen.</textarea>" in page
        assert "Alla berättade om sin bild av Lou." in page
    if step.kind == "follow_up":
        assert "Föräldrarna är nöjda.</textarea>" in field_block(page, "vardnadshavares_syn")
        assert "Närvaron är nu 93 %." in page


def test_a_condition_shown_requires_its_answer(step_for):
    step = step_for("referral")
    page = step.client.get(step.url).content.decode()
    # always shown, with a note naming the question and the answer it depends on
    note = re.search(r'class="sspf-fill__note">(.*?)</p>', field_block(page, "sprak")).group(1)
    assert "Behöver familjen tolk?" in note and "Ja" in note

    response = step.post({**step.data, "tpl-tolk": "yes"})
    assert response.status_code == 200
    assert REQUIRED in field_block(response.content.decode(), "sprak")
    assert not Case.objects.exists() and not Submission.objects.exists()

    response = step.post({**step.data, "tpl-tolk": "yes", "tpl-sprak": "Arabiska"})
    assert response.status_code == 302
    assert Submission.objects.get().answers["sprak"] == "Arabiska"


REFUSED = {
    # the service refuses (a written consent needs its signed form; a meeting needs someone
    # present; "goals met" needs every goal met)
    "consent": {"signed_form": None},
    "further_consent": {"signed_form": None},
    "meeting": {"attended_agencies": [], "youth_attended": None, "guardians_attended": None},
    "follow_up": "goals",
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_step_stores_nothing(step_for, name):
    step = step_for(name)
    before = state(step)
    data = dict(step.data)
    if REFUSED[name] == "goals":
        for key in [k for k in data if k.startswith("goal_")]:
            data[key] = "ongoing"
    else:
        data.update(REFUSED[name])
    data = {key: value for key, value in data.items() if value is not None}

    response = step.post(data)

    assert response.status_code == 200
    assert 'data-testid="refusal"' in response.content.decode()
    assert not Submission.objects.exists()
    assert state(step) == before


def test_a_referral_refused_by_the_service_stores_nothing(step_for, monkeypatch):
    step = step_for("referral")

    def refuse(*args, **kwargs):
        raise TransitionRefused(["Nej."])

    monkeypatch.setattr(services, "refer_case", refuse)
    response = step.post()
    assert response.status_code == 200 and "Nej." in response.content.decode()
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_closing_at_the_consent_step_needs_no_consent_answers(step_for):
    """The consent template is about a consent given: closing instead asks none of it."""
    step = step_for("consent")
    data = {**step.without_template(), "decision": "close"}
    data.pop("signed_form")  # an upload is read once; closing needs none
    response = step.post(data)  # no closure reason: shown again, without template errors
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="template-form"' in page
    assert REQUIRED not in field_block(page, "informerad")

    response = step.post({**data, **OUTCOMES_POST, "closure_reason": "consent_not_given"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Case.objects.get(pk=step.case.pk).status == "closed"
    assert not Submission.objects.exists()


# --- the case page ---------------------------------------------------------------------------


def test_an_earlier_submission_renders_as_made_after_a_new_version(step_for, coordinator):
    step = step_for("referral")
    assert step.post().status_code == 302
    case = Case.objects.get()
    first = Submission.objects.get()
    client = Client()
    client.force_login(coordinator)
    before = submission_html(client.get(f"/sspf/{case.number}/history/").content.decode(), first)
    assert "Vet ungdomen om att hen aktualiseras?" in before

    version = published(case.municipality, "referral")
    draft = form_services.copy_to_draft(version)
    fields = [dict(spec) for spec in draft.fields if spec["key"] not in ("tolk", "sprak")]
    fields[0]["label"] = {"sv": "Har ungdomen fått veta?", "en": "Was the young person told?"}
    form_services.save_draft(draft, fields)
    form_services.publish(draft)

    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert submission_html(page, first) == before
    assert "Har ungdomen fått veta?" not in page

    # a new referral is pinned to the new version, and both render, newest first
    second_step = step_for("referral")
    assert second_step.post().status_code == 302
    newest = Submission.objects.latest("pk")
    assert newest.version.number == 2 and "tolk" not in newest.answers
    Submission._base_manager.filter(pk=newest.pk).update(case=case)  # both on one page (set-up)
    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert page.index(f"submission-{newest.pk}") < page.index(f"submission-{first.pk}")
    assert "Har ungdomen fått veta?" in submission_html(page, Submission.objects.get(pk=newest.pk))
    assert submission_html(page, first) == before


def test_only_the_full_picture_shows_the_submissions(step_for, users, agencies, coordinator):
    step = step_for("referral")
    assert step.post().status_code == 302
    case = Case.objects.get()
    services.accept_referral(case, coordinator, assessed())
    today = timezone.localdate()
    for agency, covered in (
        (agencies["skola"], ["school"]),
        (agencies["polis"], ["police"]),
        (agencies["socialtjanst"], None),
    ):
        services.register_consent(
            case,
            coordinator,
            method="written",
            purpose="Samverkan.",
            valid_from=today,
            valid_to=today + dt.timedelta(days=90),
            agencies=[agency],
            categories=covered or ALL_CATEGORIES,
            signed_form=signed_pdf(),
            signers=[("guardian", g) for g in case.youth.guardians.all()],
            youth_view="Okej.",
        )
        case.refresh_from_db()
    question = "Vet ungdomen om att hen aktualiseras?"

    def page_of(user):  # the case's two pages
        client = Client()
        client.force_login(user)
        pages = [client.get(f"/sspf/{case.number}/{tab}") for tab in ("", "history/")]
        assert [page.status_code for page in pages] == [200, 200]
        return "".join(page.content.decode() for page in pages)

    limited = page_of(users["polis"])  # covered for police information only
    assert 'data-testid="limited"' in limited
    assert 'data-testid="submissions"' not in limited and question not in limited
    # the school wrote the referral's answers: it reads them whatever its categories (issue 12)
    own = page_of(users["skola"])
    assert 'data-testid="limited"' in own and question in own
    for user in (users["socialtjanst"], coordinator):  # every category, and the coordinator
        page = page_of(user)
        assert 'data-testid="submissions"' in page and question in page


# --- no published template -------------------------------------------------------------------


@pytest.mark.parametrize("name", STEPS)
def test_a_retired_template_asks_nothing_and_stores_nothing(step_for, name):
    step = step_for(name)
    municipality = step.case.municipality if step.case else step_for_municipality()
    form_services.retire(published(municipality, step.kind))

    page = step.client.get(step.url).content.decode()
    assert 'data-testid="template-form"' not in page and "tpl-" not in page

    response = step.post(step.without_template())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Submission.objects.exists()


# --- rows, in a municipality's own version ---------------------------------------------------


# No default template has rows since they stopped asking for the plan's actions (issue 12):
# the follow-up here is the municipality's own version with "Övriga insatser" rows.
ROWS = "tpl-ovriga_insatser-"
ROW_QUESTIONS = ("som_planerat", "forandring")


def follow_up_with_rows(step_for, required):
    step = step_for("follow_up")
    publish_own_version(step.case.municipality, "follow_up", other_actions(required))
    return step


def typed_rows(*rows, blank=0):
    """The rows as a browser sends them: ``rows`` of (agency or None, action), then ``blank``
    rows left empty."""
    data = {f"{ROWS}TOTAL_FORMS": str(len(rows) + blank), f"{ROWS}INITIAL_FORMS": "0"}
    for n, (agency, text) in enumerate(rows):
        data[f"{ROWS}{n}-part"] = agency.pk if agency else ""
        data[f"{ROWS}{n}-insats"] = text
        for column in ROW_QUESTIONS:
            data[f"{ROWS}{n}-{column}"] = "yes"
    return data


def test_a_rows_field_stores_its_rows_without_the_blank_ones(step_for, agencies):
    step = follow_up_with_rows(step_for, required=False)
    skola = agencies["skola"]
    rows = typed_rows((skola, "Läxhjälp"), (None, "Fotboll"), blank=1)

    response = step.post({**step.data, **rows, f"{ROWS}1-kommentar": "Två gånger i veckan."})

    assert response.status_code == 302, response.content.decode()[:3000]
    submission = Submission.objects.get()
    assert submission.version == published(step.case.municipality, "follow_up")
    assert submission.answers["ovriga_insatser"] == [
        {
            "part": {"id": skola.pk, "name": skola.name},
            "insats": "Läxhjälp",
            "som_planerat": True,
            "forandring": True,
            "kommentar": "",
        },
        {
            "part": None,
            "insats": "Fotboll",
            "som_planerat": True,
            "forandring": True,
            "kommentar": "Två gånger i veckan.",
        },
    ]


def test_a_rows_field_with_too_few_rows_is_refused_next_to_it(step_for):
    step = follow_up_with_rows(step_for, required=True)
    before = state(step)

    response = step.post({**step.data, **typed_rows(blank=2)})

    assert response.status_code == 200
    assert REQUIRED in field_block(response.content.decode(), "ovriga_insatser")
    assert not Submission.objects.exists()
    assert state(step) == before


# --- the rows: blank rows to spare, no JavaScript needed -------------------------------------


def rendered_inputs(page, prefix):
    """name → value of the hidden and text inputs whose name starts with ``prefix`` (outside
    the <template> of the empty row)."""
    page = re.sub(r"<template.*?</template>", "", page, flags=re.S)
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and name.group(1).startswith(prefix):
            value = re.search(r'value="([^"]*)"', tag)
            found[name.group(1)] = value.group(1) if value else ""
    return found


def test_rows_come_with_blank_rows_to_spare_and_the_page_posts_as_rendered(step_for):
    step = follow_up_with_rows(step_for, required=True)
    page = step.client.get(step.url).content.decode()
    inputs = rendered_inputs(page, ROWS)
    assert inputs[f"{ROWS}TOTAL_FORMS"] == "4"  # the one required and three to spare
    assert inputs[f"{ROWS}INITIAL_FORMS"] == "0"
    assert {f"{ROWS}{n}-insats" for n in range(4)} <= set(inputs)
    assert f"{ROWS}4-insats" not in inputs

    data = {**step.data, **inputs}  # the management form and the blank rows, as rendered
    for n, text in enumerate(["Läxhjälp", "Fotboll"]):
        data[f"{ROWS}{n}-insats"] = text
        for column in ROW_QUESTIONS:
            data[f"{ROWS}{n}-{column}"] = "yes"
    response = step.post(data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Submission.objects.get().answers["ovriga_insatser"]
    assert [row["insats"] for row in stored] == ["Läxhjälp", "Fotboll"]


def test_a_page_shown_again_offers_blank_rows_after_those_typed(step_for):
    step = follow_up_with_rows(step_for, required=False)
    rows = typed_rows((None, "Läxhjälp"), (None, "Fotboll"), blank=1)
    page = step.post({**step.data, **rows, "tpl-ungdomens_syn": ""}).content.decode()
    inputs = rendered_inputs(page, ROWS)
    # two rows typed, the blank one sent, and two more: three blank rows to spare
    assert inputs[f"{ROWS}TOTAL_FORMS"] == "5"
    assert inputs[f"{ROWS}1-insats"] == "Fotboll"
    assert inputs[f"{ROWS}4-insats"] == ""


def test_the_coordinator_ticks_off_the_checklist_and_prints_the_information(
    client, refer, coordinator
):
    from forms.models import Submission

    case = refer()
    client.force_login(coordinator)
    page = client.get(f"/sspf/{case.number}/checklist/")
    assert page.status_code == 200 and "Samtycke är inhämtat" in page.content.decode()
    refused = client.post(f"/sspf/{case.number}/checklist/", {})
    assert "Detta fält måste fyllas i." in refused.content.decode()
    assert not Submission.objects.filter(about="checklist").exists()
    answers = {
        f"tpl-{f['key']}": "yes"
        for f in case.municipality.form_templates.get(kind="checklist").published.fields
    }
    assert client.post(f"/sspf/{case.number}/checklist/", answers).status_code == 302
    (saved,) = Submission.objects.filter(case=case, about="checklist")
    assert all(value is True for value in saved.answers.values())
    history = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert "Checklista för koordinator" in history

    pdf = client.get(f"/sspf/{case.number}/information.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_filled_in_form_prints_with_its_answers(client, refer, coordinator, users):
    import io

    from pypdf import PdfReader

    from forms import services as form_services

    case = refer()
    version = case.municipality.form_templates.get(kind="checklist").published
    answers = {f["key"]: True for f in version.fields}
    submission = form_services.submit(version, answers, coordinator, case=case, about="checklist")
    client.force_login(coordinator)
    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert f"/sspf/{case.number}/form/{submission.pk}.pdf" in page
    response = client.get(f"/sspf/{case.number}/form/{submission.pk}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Checklista för koordinator" in text and "Uppföljning är bokad" in text and "Ja" in text
    client.force_login(users["skola"])
    assert client.get(f"/sspf/{case.number}/form/{submission.pk}.pdf").status_code in (403, 404)


@pytest.mark.parametrize("what", ["information.pdf", "consent-form.pdf"])
def test_without_pango_a_pdf_explains_itself_and_logs_nothing(
    client, monkeypatch, refer, coordinator, what
):
    import weasyprint

    from sspf_flow.models import AccessLog

    def missing(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(weasyprint, "HTML", missing)
    case = refer()
    client.force_login(coordinator)
    response = client.get(f"/sspf/{case.number}/{what}")
    assert response.status_code == 503
    assert "Pango" in response.content.decode()
    assert not AccessLog.objects.filter(action="download").exists()
