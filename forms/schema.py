"""The fields of a form template, as data, and the check that a template can work.

A version's ``fields`` is a list of dicts, in order::

    {"key": "risk", "type": "long_text", "label": {"sv": "Riskfaktorer", "en": "Risk factors"},
     "help": {"sv": "…", "en": "…"}, "required": true, "max_length": 2000,
     "show_if": {"field": "other_key", "equals": true}}

Types: ``text`` (``max_length``, ``pattern``), ``long_text`` (``max_length``), ``number`` (``min``,
``max``, ``integer``), ``date`` (``min``, ``max`` as YYYY-MM-DD), ``yes_no``, ``choice`` and
``multi_choice`` (``choices``: [{"value", "label"}]), ``agency`` (one of the municipality's
agencies) and ``rows`` (``columns``: fields of the other types, ``min_rows``, ``max_rows``) — e.g.
one row per agency's commitment. ``show_if`` hides a field unless another (earlier, top-level)
field has the given value; a hidden field is never required and its answer is not kept.

``problems(fields)`` returns every reason the template cannot work, in the user's language;
an empty list means it is sound. Nothing else is trusted: the builder relies on it.
"""

import datetime as dt
import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

TYPES = (
    "text",
    "long_text",
    "number",
    "date",
    "yes_no",
    "choice",
    "multi_choice",
    "agency",
    "rows",
)
CHOICE_TYPES = ("choice", "multi_choice")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LANGUAGES = ("sv", "en")
MAX_FIELDS = 100
MAX_ROWS = 50

ALLOWED = {
    "text": {"max_length", "pattern"},
    "long_text": {"max_length"},
    "number": {"min", "max", "integer"},
    "date": {"min", "max"},
    "yes_no": set(),
    "choice": {"choices"},
    "multi_choice": {"choices"},
    "agency": set(),
    "rows": {"columns", "min_rows", "max_rows"},
}
COMMON = {"key", "type", "label", "help", "required", "show_if"}


def text(value, language="sv"):
    """A label or help text in ``language``, falling back to Swedish."""
    if isinstance(value, dict):
        return value.get(language) or value.get("sv") or ""
    return value or ""


def _where(field, index):
    key = field.get("key") if isinstance(field, dict) else None
    return key or format_lazy(_("field {number}"), number=index + 1)


def _is_date(value):
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field_problems(field, index, inside_rows=False):
    where = _where(field, index)
    if not isinstance(field, dict):
        return [format_lazy(_("{field}: a field must be an object."), field=where)]
    found = []

    def problem(message, **kwargs):
        found.append(format_lazy(message, field=where, **kwargs))

    kind = field.get("type")
    if kind not in TYPES:
        problem(_("{field}: unknown type “{type}”."), type=kind)
        return found
    if inside_rows and kind == "rows":
        problem(_("{field}: rows cannot contain rows."))
    key = field.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        problem(
            _(
                "{field}: the key must start with a small letter and hold only small letters, "
                "digits and _ (at most 40)."
            )
        )
    unknown = set(field) - COMMON - ALLOWED[kind]
    if unknown:
        problem(
            _("{field}: “{names}” do not belong to this type."), names=", ".join(sorted(unknown))
        )
    label = field.get("label")
    if not isinstance(label, dict) or not str(label.get("sv", "")).strip():
        problem(_("{field}: a Swedish label is required."))
    elif any(not isinstance(label.get(lang, ""), str) for lang in LANGUAGES):
        problem(_("{field}: labels must be text."))
    if "help" in field and not isinstance(field["help"], dict):
        problem(_("{field}: the help text must be given per language."))
    if not isinstance(field.get("required", False), bool):
        problem(_("{field}: “required” must be true or false."))

    if "max_length" in field and (
        not isinstance(field["max_length"], int)
        or isinstance(field["max_length"], bool)
        or not 1 <= field["max_length"] <= 20000
    ):
        problem(_("{field}: the longest answer must be a whole number from 1 to 20000."))
    if "pattern" in field:
        try:
            re.compile(field["pattern"])
        except (re.error, TypeError):
            problem(_("{field}: the pattern is not a valid regular expression."))
    if kind == "number":
        for bound in ("min", "max"):
            if bound in field and not _number(field[bound]):
                problem(_("{field}: “{bound}” must be a number."), bound=bound)
        if "integer" in field and not isinstance(field["integer"], bool):
            problem(_("{field}: “integer” must be true or false."))
        if _number(field.get("min")) and _number(field.get("max")) and field["min"] > field["max"]:
            problem(_("{field}: the lowest value is above the highest."))
    if kind == "date":
        for bound in ("min", "max"):
            if bound in field and not _is_date(field[bound]):
                problem(_("{field}: “{bound}” must be a date (YYYY-MM-DD)."), bound=bound)
        if (
            _is_date(field.get("min"))
            and _is_date(field.get("max"))
            and field["min"] > field["max"]
        ):
            problem(_("{field}: the earliest date is after the latest."))
    if kind in CHOICE_TYPES:
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            problem(_("{field}: a choice field needs at least one choice."))
        else:
            values = []
            for choice in choices:
                if (
                    not isinstance(choice, dict)
                    or not isinstance(choice.get("value"), str)
                    or not choice["value"].strip()
                    or not isinstance(choice.get("label"), dict)
                    or not str(choice["label"].get("sv", "")).strip()
                ):
                    problem(_("{field}: each choice needs a value and a Swedish label."))
                    break
                values.append(choice["value"])
            if len(values) != len(set(values)):
                problem(_("{field}: two choices have the same value."))
    if kind == "rows":
        columns = field.get("columns")
        if not isinstance(columns, list) or not columns:
            problem(_("{field}: repeating rows need at least one column."))
        else:
            keys = [c.get("key") for c in columns if isinstance(c, dict)]
            if len(keys) != len(set(keys)):
                problem(_("{field}: two columns have the same key."))
            for position, column in enumerate(columns):
                if isinstance(column, dict) and "show_if" in column:
                    problem(_("{field}: a column cannot be shown conditionally."))
                found.extend(_field_problems(column, position, inside_rows=True))
        low, high = field.get("min_rows", 0), field.get("max_rows", MAX_ROWS)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (low, high)) or not (
            0 <= low <= high <= MAX_ROWS
        ):
            problem(
                _(
                    "{field}: the number of rows must be whole numbers with "
                    "0 ≤ fewest ≤ most ≤ {most}."
                ),
                most=MAX_ROWS,
            )
    return found


def problems(fields):
    """Every reason these fields cannot make a working form; empty when they can."""
    if not isinstance(fields, list):
        return [_("The fields must be a list.")]
    if len(fields) > MAX_FIELDS:
        return [format_lazy(_("A form has at most {most} fields."), most=MAX_FIELDS)]
    found = []
    seen = {}
    for index, field in enumerate(fields):
        found.extend(_field_problems(field, index))
        if isinstance(field, dict) and isinstance(field.get("key"), str):
            if field["key"] in seen:
                found.append(format_lazy(_("Two fields have the key “{key}”."), key=field["key"]))
            seen.setdefault(field["key"], field)
    for index, field in enumerate(fields):
        if not isinstance(field, dict) or "show_if" not in field:
            continue
        where = _where(field, index)
        condition = field["show_if"]
        if not isinstance(condition, dict) or set(condition) != {"field", "equals"}:
            found.append(
                format_lazy(
                    _("{field}: a condition names a field and the value it must have."), field=where
                )
            )
            continue
        target = seen.get(condition["field"])
        earlier = [f.get("key") for f in fields[:index] if isinstance(f, dict)]
        if target is None:
            found.append(
                format_lazy(
                    _(
                        "{field}: the condition names a field “{other}” that the form does "
                        "not have."
                    ),
                    field=where,
                    other=condition["field"],
                )
            )
        elif condition["field"] not in earlier:
            found.append(
                format_lazy(_("{field}: the condition must name a field above it."), field=where)
            )
        elif not _possible(target, condition["equals"]):
            found.append(
                format_lazy(
                    _("{field}: “{other}” can never have the value the condition asks for."),
                    field=where,
                    other=condition["field"],
                )
            )
    return found


def _possible(target, value):
    """Whether ``target`` can hold ``value`` (conditions on yes/no and single choices)."""
    kind = target.get("type")
    if kind == "yes_no":
        return isinstance(value, bool)
    if kind == "choice":
        return value in [c.get("value") for c in target.get("choices", []) if isinstance(c, dict)]
    return False
