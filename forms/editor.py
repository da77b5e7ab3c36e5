"""The editor's form: one row per field of a draft, turned into the fields list (and back).
Choices and the columns of repeating rows are edited as lines of text, so that a process owner
never writes JSON; import and export are there for moving templates between installations."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .schema import TYPES

TYPE_LABELS = {
    "text": _("Short text"),
    "long_text": _("Long text"),
    "number": _("Number"),
    "date": _("Date"),
    "yes_no": _("Yes/no"),
    "choice": _("One choice"),
    "multi_choice": _("Several choices"),
    "agency": _("Agency"),
    "rows": _("Repeating rows"),
}
YES, NO = "ja", "nej"


def _value_of(label):
    value = re.sub(r"[^a-z0-9]+", "_", label.lower().translate(str.maketrans("åäöé", "aaoe")))
    return value.strip("_") or "val"


def parse_choices(text):
    """One choice per line: "Svensk etikett", or "värde = Svensk etikett = English label"."""
    result = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("=")]
        if not parts[0]:
            continue
        if len(parts) == 1:
            parts = [_value_of(parts[0]), parts[0]]
        choice = {"value": parts[0], "label": {"sv": parts[1] if len(parts) > 1 else parts[0]}}
        if len(parts) > 2 and parts[2]:
            choice["label"]["en"] = parts[2]
        result.append(choice)
    return result


def choices_text(choices):
    return "\n".join(
        " = ".join(filter(None, [c["value"], c["label"].get("sv", ""), c["label"].get("en", "")]))
        for c in choices or []
    )


def parse_columns(text):
    """One column per line: "nyckel | typ | Svensk etikett | obligatorisk (ja/nej) | val;val"."""
    result = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        parts += [""] * (5 - len(parts))
        column = {"key": parts[0], "type": parts[1], "label": {"sv": parts[2]}}
        if parts[3].lower() in (YES, "yes", "x"):
            column["required"] = True
        if parts[4]:
            column["choices"] = parse_choices("\n".join(parts[4].split(";")))
        result.append(column)
    return result


def columns_text(columns):
    lines = []
    for c in columns or []:
        extra = ";".join(ch["label"].get("sv", ch["value"]) for ch in c.get("choices", []))
        required = YES if c.get("required") else NO
        lines.append(" | ".join([c["key"], c["type"], c["label"].get("sv", ""), required, extra]))
    return "\n".join(line.rstrip(" |") for line in lines)


def _number_or_date(text, kind):
    text = (text or "").strip()
    if not text:
        return None
    if kind == "date":
        return text
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text  # the validator says what is wrong with it
    return int(number) if number.is_integer() else number


class FieldForm(forms.Form):
    key = forms.CharField(label=_("Key"), max_length=40)
    type = forms.ChoiceField(label=_("Type"), choices=[(t, TYPE_LABELS[t]) for t in TYPES])
    label_sv = forms.CharField(label=_("Question (Swedish)"), max_length=300)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    help_sv = forms.CharField(
        label=_("Help text (Swedish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_en = forms.CharField(
        label=_("Help text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices, one per line (value = Swedish = English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minimum = forms.CharField(label=_("Lowest value or earliest date"), required=False)
    maximum = forms.CharField(label=_("Highest value or latest date"), required=False)
    integer = forms.BooleanField(label=_("Whole numbers only"), required=False)
    max_length = forms.IntegerField(label=_("Longest answer (characters)"), required=False)
    pattern = forms.CharField(label=_("Pattern (regular expression)"), required=False)
    show_if_field = forms.CharField(label=_("Shown only when field (key)"), required=False)
    show_if_value = forms.CharField(
        label=_("… has the value (ja/nej, or a choice's value)"), required=False
    )
    columns = forms.CharField(
        label=_(
            "Columns of repeating rows, one per line (key | type | Swedish | ja/nej | choices;…)"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    min_rows = forms.IntegerField(label=_("Fewest rows"), required=False, min_value=0)
    max_rows = forms.IntegerField(label=_("Most rows"), required=False, min_value=0)

    def field(self):
        """The field dict this row describes (the validator judges it)."""
        data = self.cleaned_data
        kind = data["type"]
        result = {
            "key": data["key"].strip(),
            "type": kind,
            "label": {"sv": data["label_sv"].strip(), "en": data["label_en"].strip()},
        }
        if data["help_sv"].strip() or data["help_en"].strip():
            result["help"] = {"sv": data["help_sv"].strip(), "en": data["help_en"].strip()}
        if data["required"]:
            result["required"] = True
        if kind in ("choice", "multi_choice"):
            result["choices"] = parse_choices(data["choices"])
        if kind in ("number", "date"):
            for bound, name in (("min", "minimum"), ("max", "maximum")):
                value = _number_or_date(data[name], kind)
                if value is not None:
                    result[bound] = value
        if kind == "number" and data["integer"]:
            result["integer"] = True
        if kind in ("text", "long_text") and data["max_length"]:
            result["max_length"] = data["max_length"]
        if kind == "text" and data["pattern"].strip():
            result["pattern"] = data["pattern"].strip()
        if kind == "rows":
            result["columns"] = parse_columns(data["columns"])
            if data["min_rows"] is not None:
                result["min_rows"] = data["min_rows"]
            if data["max_rows"] is not None:
                result["max_rows"] = data["max_rows"]
        if data["show_if_field"].strip():
            value = data["show_if_value"].strip()
            equals = {YES: True, NO: False}.get(value.lower(), value)
            result["show_if"] = {"field": data["show_if_field"].strip(), "equals": equals}
        return result


def initial_of(field):
    """The editor row of a field dict."""
    label, help_ = field.get("label", {}), field.get("help", {})
    condition = field.get("show_if") or {}
    equals = condition.get("equals", "")
    if isinstance(equals, bool):
        equals = YES if equals else NO
    return {
        "key": field.get("key", ""),
        "type": field.get("type", "text"),
        "label_sv": label.get("sv", ""),
        "label_en": label.get("en", ""),
        "help_sv": help_.get("sv", ""),
        "help_en": help_.get("en", ""),
        "required": field.get("required", False),
        "choices": choices_text(field.get("choices")),
        "minimum": "" if field.get("min") is None else str(field["min"]),
        "maximum": "" if field.get("max") is None else str(field["max"]),
        "integer": field.get("integer", False),
        "max_length": field.get("max_length"),
        "pattern": field.get("pattern", ""),
        "show_if_field": condition.get("field", ""),
        "show_if_value": equals,
        "columns": columns_text(field.get("columns")),
        "min_rows": field.get("min_rows"),
        "max_rows": field.get("max_rows"),
    }


FieldFormSet = forms.formset_factory(FieldForm, extra=1, can_order=True, can_delete=True)


def fields_from(formset):
    """The fields in the order the editor gave (ORDER), without the deleted and blank rows."""
    return [form.field() for form in formset.ordered_forms if form.cleaned_data]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Exported template (JSON)"))
