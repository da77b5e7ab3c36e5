"""Form templates as data: the validator refuses what cannot work, with clear reasons; the
builder's form accepts exactly the answers the template's rules allow (property-based, with
hypothesis); submissions stay as they were made when a new version is published."""

import re
import string

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from forms import services
from forms.builder import TemplateForm
from forms.models import FormVersion, VersionStatus
from forms.render import items, render_html
from forms.schema import problems
from sspf_flow.refusals import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipality):
    """The test municipality without its default templates, unless a test asks for them."""
    municipality.form_templates.all().delete()
    return municipality


@pytest.fixture
def with_defaults(municipality):
    services.install_defaults(municipality)
    return municipality


SV = {"sv": "Fråga", "en": "Question"}


def field(key, kind, **extra):
    return {"key": key, "type": kind, "label": {"sv": key.capitalize(), "en": key}, **extra}


def choices(*values):
    return [{"value": v, "label": {"sv": v.upper(), "en": v}} for v in values]


def reasons(fields):
    return [str(reason) for reason in problems(fields)]


# --- the validator -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([field("a", "text"), field("a", "long_text")], "Två fält har nyckeln ”a”."),
        (
            [field("b", "text", show_if={"field": "saknas", "equals": True})],
            "b: villkoret nämner ett fält ”saknas” som formuläret inte har.",
        ),
        ([field("c", "choice")], "c: ett valfält behöver minst ett val."),
        ([field("c", "choice", choices=[])], "c: ett valfält behöver minst ett val."),
        ([field("d", "color")], "d: okänd typ ”color”."),
        ([{"key": "e", "type": "text", "label": {"en": "E"}}], "e: en svensk etikett krävs."),
        ([field("Fel nyckel", "text")], "Fel nyckel: nyckeln måste börja"),
        ([field("f", "number", min=5, max=1)], "f: det lägsta värdet är högre än det högsta."),
        ([field("g", "text", pattern="([")], "g: mönstret är inte ett giltigt reguljärt uttryck."),
        ([field("h", "rows", columns=[])], "h: upprepade rader behöver minst en kolumn."),
        (
            [field("i", "rows", columns=[field("j", "rows", columns=[field("k", "text")])])],
            "j: rader kan inte innehålla rader.",
        ),
        (
            [field("y", "yes_no"), field("z", "text", show_if={"field": "y", "equals": "kanske"})],
            "z: ”y” kan aldrig få värdet som villkoret kräver.",
        ),
        (
            [field("z", "text", show_if={"field": "y", "equals": True}), field("y", "yes_no")],
            "z: villkoret måste nämna ett fält ovanför.",
        ),
        ([field("m", "multi_choice", choices=choices("a", "a"))], "m: två val har samma värde."),
        ([field("n", "date", min="2026-13-01")], "n: ”min” måste vara ett datum (ÅÅÅÅ-MM-DD)."),
        ([field("o", "yes_no", max_length=3)], "o: ”max_length” hör inte till den här typen."),
        ("inte en lista", "Fälten måste vara en lista."),
    ],
)
def test_a_template_that_cannot_work_is_refused_with_the_reason(fields, expected):
    found = reasons(fields)
    assert any(reason.startswith(expected) for reason in found), found


def test_a_sound_template_has_no_problems():
    fields = [
        field("namn", "text", required=True, max_length=50, pattern="[A-ZÅÄÖ].*"),
        field("har_plan", "yes_no", required=True),
        field("plan", "long_text", required=True, show_if={"field": "har_plan", "equals": True}),
        field("ansvar", "rows", columns=[field("vem", "agency"), field("vad", "text")]),
    ]
    assert problems(fields) == []


def test_creating_or_saving_a_broken_template_is_refused(municipality):
    with pytest.raises(TransitionRefused, match="Två fält har nyckeln"):
        services.create_template(municipality, "protocol", "P", [field("a", "text")] * 2)


# --- the builder: property-based ---------------------------------------------------------------

KEYS = st.text(string.ascii_lowercase, min_size=1, max_size=6)
WORDS = st.text(string.ascii_letters + string.digits + " ", max_size=12)
PATTERNS = ["[0-9]{3}", "[A-Za-z ]*", "x.*"]


@st.composite
def plain_spec(draw, key, kinds):
    kind = draw(st.sampled_from(kinds))
    spec = field(key, kind, required=draw(st.booleans()))
    if kind == "text":
        if draw(st.booleans()):
            spec["max_length"] = draw(st.integers(1, 10))
        if draw(st.booleans()):
            spec["pattern"] = draw(st.sampled_from(PATTERNS))
    if kind == "long_text" and draw(st.booleans()):
        spec["max_length"] = draw(st.integers(1, 10))
    if kind == "number":
        spec["integer"] = draw(st.booleans())
        low = draw(st.none() | st.integers(-50, 50))
        high = draw(st.none() | st.integers(-50, 50))
        if low is not None and high is not None and low > high:
            low, high = high, low
        if low is not None:
            spec["min"] = low
        if high is not None:
            spec["max"] = high
    if kind == "date":
        if draw(st.booleans()):
            spec["min"] = "2026-01-10"
        if draw(st.booleans()):
            spec["max"] = "2026-01-20"
    if kind in ("choice", "multi_choice"):
        spec["choices"] = choices(*draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)))
    return spec


ALL_PLAIN = ["text", "long_text", "number", "date", "yes_no", "choice", "multi_choice", "agency"]


@st.composite
def templates(draw):
    keys = draw(st.lists(KEYS, min_size=1, max_size=6, unique=True))
    fields = []
    for key in keys:
        if draw(st.integers(0, 6)) == 0:
            columns = [
                draw(plain_spec(f"c{n}", ["text", "number", "yes_no", "choice"]))
                for n in range(draw(st.integers(1, 3)))
            ]
            low = draw(st.integers(0, 2))
            spec = field(
                key, "rows", columns=columns, min_rows=low, max_rows=low + draw(st.integers(0, 3))
            )
            spec["required"] = draw(st.booleans())
        else:
            spec = draw(plain_spec(key, ALL_PLAIN))
        targets = [f for f in fields if f["type"] in ("yes_no", "choice")]
        if targets and draw(st.booleans()):
            target = draw(st.sampled_from(targets))
            equals = (
                draw(st.booleans())
                if target["type"] == "yes_no"
                else draw(st.sampled_from([c["value"] for c in target["choices"]]))
            )
            spec["show_if"] = {"field": target["key"], "equals": equals}
        fields.append(spec)
    return fields


def raw_value(draw, spec, agency_ids):
    """A value a person could type or pick, valid or not."""
    kind = spec["type"]
    if kind in ("text", "long_text"):
        return draw(st.sampled_from(["", "123", "x1", "Abc"]) | WORDS)
    if kind == "number":
        blank = draw(st.booleans()) and draw(st.booleans())
        if blank:
            return ""
        if spec.get("integer") or draw(st.booleans()):
            return draw(st.integers(-60, 60))
        return draw(st.sampled_from([-60.5, -0.25, 0.5, 12.75, 59.5]))
    if kind == "date":
        return draw(
            st.sampled_from(
                ["", "2026-01-05", "2026-01-10", "2026-01-15", "2026-01-20", "2026-01-25"]
            )
        )
    if kind == "yes_no":
        return draw(st.sampled_from(["", "yes", "no"]))
    if kind == "choice":
        return draw(st.sampled_from(["", "okänt", *[c["value"] for c in spec["choices"]]]))
    if kind == "multi_choice":
        return draw(
            st.lists(
                st.sampled_from(["okänt", *[c["value"] for c in spec["choices"]]]),
                unique=True,
                max_size=3,
            )
        )
    if kind == "agency":
        return draw(st.sampled_from(["", 999999, *agency_ids]))
    raise AssertionError(kind)


def expected(spec, raw, agencies):
    """(ok, stored): what the template's rules say of one plain answer, from the rules alone."""
    kind = spec["type"]
    required = spec.get("required", False)
    if kind in ("text", "long_text"):
        value = raw.strip()
        if not value:
            return not required, ""
        if len(value) > spec.get("max_length", 500 if kind == "text" else 10000):
            return False, None
        if "pattern" in spec and not re.fullmatch(spec["pattern"], value):
            return False, None
        return True, value
    if kind == "number":
        if raw == "":
            return not required, None
        if spec.get("integer") and not isinstance(raw, int):
            return False, None
        if "min" in spec and raw < spec["min"] or "max" in spec and raw > spec["max"]:
            return False, None
        return True, int(raw) if spec.get("integer") else float(raw)
    if kind == "date":
        if raw == "":
            return not required, None
        if "min" in spec and raw < spec["min"] or "max" in spec and raw > spec["max"]:
            return False, None
        return True, raw
    if kind == "yes_no":
        return (not required, None) if raw == "" else (True, raw == "yes")
    if kind == "choice":
        values = [c["value"] for c in spec["choices"]]
        if raw == "":
            return not required, ""
        return (raw in values), raw
    if kind == "multi_choice":
        values = [c["value"] for c in spec["choices"]]
        if not raw:
            return not required, []
        return all(v in values for v in raw), [v for v in values if v in raw]
    if kind == "agency":
        if raw == "":
            return not required, None
        if raw not in agencies:
            return False, None
        return True, {"id": raw, "name": agencies[raw]}
    raise AssertionError(kind)


def encode(prefix, key, spec, raw, data):
    name = f"{prefix}-{key}"
    if spec["type"] == "multi_choice":
        data.setlist(name, list(raw))
    else:
        data[name] = str(raw)


@pytest.fixture
def agency_names(agencies):
    return {a.pk: a.name for a in agencies.values()}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_form_accepts_exactly_what_the_rules_allow(data, municipality, agency_names):
    from django.http import QueryDict

    fields = data.draw(templates())
    assert problems(fields) == [], problems(fields)
    post = QueryDict(mutable=True)
    raws = {}
    for spec in fields:
        if spec["type"] == "rows":
            rows = [
                {c["key"]: raw_value(data.draw, c, list(agency_names)) for c in spec["columns"]}
                for _ in range(data.draw(st.integers(0, 4)))
            ]
            rows = [row for row in rows if any(str(v).strip() for v in row.values())]
            raws[spec["key"]] = rows
            prefix = f"t-{spec['key']}"
            post[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
            post[f"{prefix}-INITIAL_FORMS"] = "0"
            for n, row in enumerate(rows):
                for column in spec["columns"]:
                    encode(f"{prefix}-{n}", column["key"], column, row[column["key"]], post)
        else:
            raws[spec["key"]] = raw_value(data.draw, spec, list(agency_names))
            encode("t", spec["key"], spec, raws[spec["key"]], post)

    # what the rules say, field by field, with hidden fields left out
    ok, stored, values = True, {}, {}
    for spec in fields:
        condition = spec.get("show_if")
        if condition and values.get(condition["field"]) != condition["equals"]:
            continue
        if spec["type"] == "rows":
            rows = raws[spec["key"]]
            low = max(spec.get("min_rows", 0), 1 if spec.get("required") else 0)
            ok &= low <= len(rows) <= spec.get("max_rows", 50)
            kept = []
            for row in rows:
                cells = {}
                for column in spec["columns"]:
                    good, value = expected(column, row[column["key"]], agency_names)
                    ok &= good
                    cells[column["key"]] = value
                kept.append(cells)
            stored[spec["key"]] = kept
        else:
            good, value = expected(spec, raws[spec["key"]], agency_names)
            ok &= good
            stored[spec["key"]] = value
            values[spec["key"]] = value if good else None

    form = TemplateForm(fields, municipality, data=post)
    event("accepted" if ok else "refused")
    assert form.is_valid() == ok, (fields, raws, form.errors)
    if ok:
        assert form.answers == stored


# --- versions and submissions ------------------------------------------------------------------


PROTOCOL = [
    field("deltagare", "text", required=True),
    field("risk", "choice", choices=choices("lag", "hog")),
    field("atgarder", "rows", columns=[field("vem", "agency"), field("vad", "text")]),
]


def test_an_old_submission_renders_as_it_was_made(municipality, agencies, coordinator):
    template = services.create_template(municipality, "protocol", "Protokoll", PROTOCOL)
    first = services.publish(template.versions.get())
    submission = services.submit(
        first,
        {
            "deltagare": "Skola, socialtjänst",
            "risk": "hog",
            "atgarder": [
                {"vem": {"id": agencies["skola"].pk, "name": "Centralskolan"}, "vad": "Stöd"}
            ],
        },
        coordinator,
    )
    before = render_html(submission)
    assert "HOG" in before and "Centralskolan" in before

    draft = services.copy_to_draft(first, coordinator)
    changed = [dict(f) for f in PROTOCOL]
    changed[1] = field("risk", "choice", choices=[{"value": "hog", "label": {"sv": "Förhöjd"}}])
    changed.append(field("ny_fraga", "yes_no", required=True))
    services.save_draft(draft, changed)
    services.publish(draft)
    agencies["skola"].name = "Nya skolan"
    agencies["skola"].save()

    submission.refresh_from_db()
    assert render_html(submission) == before
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED
    assert template.published == draft


def test_a_published_version_never_changes(municipality):
    template = services.create_template(municipality, "checklist", "Checklista", PROTOCOL)
    version = services.publish(template.versions.get())
    with pytest.raises(TransitionRefused, match="Bara ett utkast kan ändras"):
        services.save_draft(version, PROTOCOL[:1])
    version.fields = PROTOCOL[:1]
    with pytest.raises(ValueError):
        version.save()
    assert FormVersion.objects.get(pk=version.pk).fields == PROTOCOL


def test_export_then_import_gives_the_same_fields(municipality):
    template = services.create_template(municipality, "follow_up", "Uppföljning", PROTOCOL)
    text = services.export_json(template.versions.get())
    assert services.parse_import(text) == ("follow_up", "Uppföljning", PROTOCOL)
    with pytest.raises(TransitionRefused, match="inte JSON"):
        services.parse_import("{")
    broken = text.replace('"deltagare"', '"risk"')
    with pytest.raises(TransitionRefused, match="Två fält har nyckeln"):
        services.parse_import(broken)


def test_rendered_items_leave_out_hidden_fields():
    fields = [field("y", "yes_no"), field("varfor", "text", show_if={"field": "y", "equals": True})]
    assert items(fields, {"y": False}) == [("Y", "Nej", None)]
    assert items(fields, {"y": True, "varfor": "Därför"}) == [
        ("Y", "Ja", None),
        ("Varfor", "Därför", None),
    ]


def test_a_new_municipality_gets_the_default_templates_published(db):
    from forms.models import FormKind
    from sspf_flow.models import Municipality

    municipality = Municipality.objects.create(name="Nykommun")
    kinds = set(municipality.form_templates.values_list("kind", flat=True))
    assert kinds == set(FormKind.values)
    protocol = municipality.form_templates.get(kind="protocol").published
    labels = [f["label"]["sv"] for f in protocol.fields]
    assert "Riskfaktorer" in labels and "Skyddsfaktorer" in labels
    assert "Ungdomens egen bild" in labels and "Vårdnadshavarnas bild" in labels
    assert services.install_defaults(municipality) == []  # nothing twice


def test_the_default_templates_are_sound():
    for path in services.DEFAULTS.glob("*.json"):
        kind, name, fields = services.parse_import(path.read_text(encoding="utf-8"))
        assert name and problems(fields) == [], path


def test_a_second_template_of_a_kind_is_refused(with_defaults):
    with pytest.raises(TransitionRefused, match="har redan en mall"):
        services.create_template(with_defaults, "protocol", "Till", PROTOCOL)


def pdf_text(pdf):
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_holds_the_answers_and_a_blank_one_the_questions(municipality, agencies):
    from forms.render import render_pdf

    fields = [
        *PROTOCOL,
        field("y", "yes_no"),
        field("dold", "text", show_if={"field": "y", "equals": True}),
    ]
    answers = {
        "deltagare": "Koordinator och skolkurator",
        "risk": "hog",
        "atgarder": [{"vem": {"id": 1, "name": "Centralskolan"}, "vad": "Läxhjälp"}],
        "y": False,
    }
    filled = pdf_text(render_pdf("Protokoll", fields, answers, footer="SSPF-2026-0001"))
    for expected in (
        "Protokoll",
        "Koordinator och skolkurator",
        "HOG",
        "Centralskolan",
        "Läxhjälp",
        "Nej",
    ):
        assert expected in filled
    assert "Dold" not in filled  # hidden when it was filled in
    blank = pdf_text(render_pdf("Protokoll", fields))
    assert "Deltagare" in blank and "LAG" in blank and "HOG" in blank and "Dold" in blank
