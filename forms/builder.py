"""One builder: a version's fields (``forms.schema``) → a form whose validation is the
template's rules. ``TemplateForm`` holds a Django form for the plain fields and a formset per
repeating-rows field; ``answers`` gives what to store, as JSON.

Stored answers: text → str; number → int or float (None when blank); date → "YYYY-MM-DD" (or
None); yes/no → true/false (None when blank); choice → value ("" when blank); multiple choice →
list of values; agency → {"id", "name"} (the name as it was, so the submission renders as made);
rows → a list of dicts of the columns' answers. A field hidden by its condition is left out.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import Agency

from .schema import MAX_ROWS, text

TEXT_MAX = 500
LONG_TEXT_MAX = 10000


def _pattern_validator(pattern):
    compiled = re.compile(pattern)

    def validate(value):
        if not compiled.fullmatch(value):
            raise ValidationError(_("The answer does not have the required form."))

    return validate


def _choices(spec, language, blank):
    options = [(c["value"], text(c["label"], language)) for c in spec["choices"]]
    return [("", "—"), *options] if blank else options


def django_field(spec, municipality, language="sv"):
    """The Django form field of one (non-rows) field. A conditional field is never required
    here; ``TemplateForm`` requires it only when it is shown."""
    kind = spec["type"]
    common = {
        "label": text(spec["label"], language),
        "help_text": text(spec.get("help"), language),
        "required": bool(spec.get("required")) and "show_if" not in spec,
    }
    if kind == "text":
        field = forms.CharField(max_length=spec.get("max_length", TEXT_MAX), **common)
        if "pattern" in spec:
            field.validators.append(_pattern_validator(spec["pattern"]))
        return field
    if kind == "long_text":
        return forms.CharField(
            max_length=spec.get("max_length", LONG_TEXT_MAX), widget=forms.Textarea, **common
        )
    if kind == "number":
        bounds = {"min_value": spec.get("min"), "max_value": spec.get("max")}
        if spec.get("integer"):
            return forms.IntegerField(**bounds, **common)
        return forms.FloatField(**bounds, **common)
    if kind == "date":
        field = forms.DateField(**common)
        if "min" in spec:
            field.validators.append(MinValueValidator(dt.date.fromisoformat(spec["min"])))
        if "max" in spec:
            field.validators.append(MaxValueValidator(dt.date.fromisoformat(spec["max"])))
        return field
    if kind == "yes_no":
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            **common,
        )
    if kind == "choice":
        return forms.ChoiceField(choices=_choices(spec, language, blank=True), **common)
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=_choices(spec, language, blank=False),
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == "agency":
        return forms.ModelChoiceField(
            queryset=Agency.objects.filter(municipality=municipality).order_by("name"), **common
        )
    raise ValueError(f"no plain form field for {kind!r}")


def _stored(spec, value):
    kind = spec["type"]
    if kind in ("text", "long_text", "choice"):
        return value or ""
    if kind == "number":
        if value is None:
            return None
        return int(value) if spec.get("integer") else float(value)
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "multi_choice":  # in the template's order, whatever order they were sent in
        chosen = set(value or [])
        return [c["value"] for c in spec["choices"] if c["value"] in chosen]
    if kind == "agency":
        return {"id": value.pk, "name": value.name} if value else None
    return value  # yes/no: True, False or None


def _shown(spec, values):
    condition = spec.get("show_if")
    return condition is None or values.get(condition["field"]) == condition["equals"]


def _row_form(columns, municipality, language):
    attrs = {c["key"]: django_field(c, municipality, language) for c in columns}
    return type("RowForm", (forms.Form,), attrs)


class _MainForm(forms.Form):
    def __init__(self, *args, specs, municipality, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            if spec["type"] != "rows":
                self.fields[spec["key"]] = django_field(spec, municipality, language)

    def clean(self):
        cleaned = super().clean()
        for spec in self.specs:
            key = spec["key"]
            if "show_if" not in spec or spec["type"] == "rows":
                continue
            if not _shown(spec, cleaned):  # hidden: whatever was typed does not count
                self._errors.pop(key, None)
                cleaned.pop(key, None)
            elif (
                spec.get("required")
                and key not in self._errors
                and cleaned.get(key) in (None, "", [])
            ):
                self.add_error(key, forms.Field.default_error_messages["required"])
        return cleaned


class TemplateForm:
    """The form of one version: ``is_valid()``, ``errors`` and, when valid, ``answers``."""

    def __init__(self, fields, municipality, data=None, language="sv", prefix="t"):
        self.specs = fields
        self.main = _MainForm(
            data,
            prefix=prefix,
            specs=fields,
            municipality=municipality,
            language=language,
        )
        self.rows = {}
        for spec in fields:
            if spec["type"] != "rows":
                continue
            low = max(spec.get("min_rows", 0), 1 if spec.get("required") else 0)
            formset = forms.formset_factory(
                _row_form(spec["columns"], municipality, language),
                extra=0 if data is not None else 1,
                min_num=low,
                max_num=spec.get("max_rows", MAX_ROWS),
                validate_min=True,
                validate_max=True,
                absolute_max=MAX_ROWS,
            )
            self.rows[spec["key"]] = formset(data, prefix=f"{prefix}-{spec['key']}")
            self.rows[spec["key"]].spec = spec

    def _shown_rows(self):
        values = self.main.cleaned_data if hasattr(self.main, "cleaned_data") else {}
        return {key: fs for key, fs in self.rows.items() if _shown(fs.spec, values)}

    def is_valid(self):
        main = self.main.is_valid()
        return all([main, *(formset.is_valid() for formset in self._shown_rows().values())])

    @property
    def errors(self):
        errors = dict(self.main.errors)
        for key, formset in self._shown_rows().items():
            if not formset.is_valid():
                errors[key] = [*formset.non_form_errors(), *(e for e in formset.errors if e)]
        return errors

    @property
    def answers(self):
        cleaned = self.main.cleaned_data
        shown = self._shown_rows()
        result = {}
        for spec in self.specs:
            key = spec["key"]
            if spec["type"] == "rows":
                if key in shown:
                    result[key] = [
                        {
                            c["key"]: _stored(c, row.cleaned_data.get(c["key"]))
                            for c in spec["columns"]
                        }
                        for row in shown[key].forms
                        if row.has_changed() or row.cleaned_data
                    ]
            elif key in cleaned:
                result[key] = _stored(spec, cleaned[key])
        return result
