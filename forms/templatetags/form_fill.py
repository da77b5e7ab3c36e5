"""``{% fill_items form as items %}``: what ``forms/fill.html`` shows of a ``TemplateForm``
(``forms.builder``): each plain field, and each repeating-rows field as a table of its formset's
rows with blank rows to spare, so that more rows can be filled in without JavaScript (blank rows
are left out of the answers by the builder)."""

from django import forms, template
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forms.schema import text

register = template.Library()

SPARE_ROWS = 3  # blank rows offered after the ones filled in (and after the required ones)


def _language():
    return (get_language() or "sv").split("-")[0]


def _native_dates(form):
    """Dates as the browser's date input (it sends YYYY-MM-DD, which every locale accepts)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and field.widget.input_type != "date":
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return form


def _shown(spec, values):
    condition = spec.get("show_if")
    return condition is None or values.get(condition["field"]) == condition["equals"]


def condition_note(spec, specs, language):
    """ "(answered if “Interpreter needed?” is “Yes”)" for a conditional field, else ""."""
    condition = spec.get("show_if")
    if not condition:
        return ""
    target = next((s for s in specs if s.get("key") == condition["field"]), None)
    if target is None:
        return ""
    value = condition["equals"]
    if target["type"] == "yes_no":
        answer = _("Yes") if value else _("No")
    else:
        labels = {c["value"]: text(c["label"], language) for c in target.get("choices", [])}
        answer = labels.get(value, str(value))
    return format_lazy(
        _("(answered if “{question}” is “{answer}”)"),
        question=text(target["label"], language),
        answer=answer,
    )


def _blank(row):
    return not row.is_bound or not row.has_changed()


def _rows_item(spec, formset, shown, quiet, language):
    rows = [_native_dates(row) for row in formset.forms]
    spare = 0
    for index in range(len(rows) - 1, formset.min_num - 1, -1):
        if not _blank(rows[index]):
            break
        spare += 1
    wanted = min(formset.max_num, len(rows) + max(0, SPARE_ROWS - spare))
    for index in range(len(rows), wanted):
        rows.append(
            _native_dates(
                formset.form(
                    auto_id=formset.auto_id,
                    prefix=formset.add_prefix(index),
                    empty_permitted=True,
                    use_required_attribute=False,
                    renderer=formset.renderer,
                )
            )
        )
    show_errors = formset.is_bound and shown and not quiet
    columns = [(c["key"], text(c["label"], language)) for c in spec["columns"]]
    return {
        "rows_field": True,
        "key": spec["key"],
        "label": text(spec["label"], language),
        "help": text(spec.get("help"), language),
        "required": bool(spec.get("required")) and "show_if" not in spec,
        "note": "",
        "columns": [label for _key, label in columns],
        "prefix": formset.prefix,
        "total": len(rows),
        "min": formset.min_num,
        "max": formset.max_num,
        "errors": list(formset.non_form_errors()) if show_errors else [],
        "show_errors": show_errors,
        "rows": [
            (number, [(row[key], label) for key, label in columns])
            for number, row in enumerate(rows, start=1)
        ],
        "empty": [(_native_dates(formset.empty_form)[key], label) for key, label in columns],
    }


@register.simple_tag
def fill_items(form, quiet=False):
    """The fields of ``form`` (a ``TemplateForm``) in order, ready for ``forms/fill.html``.
    ``quiet`` leaves the errors out (a step that did not need the template this time)."""
    language = _language()
    main = _native_dates(form.main)
    values = {}
    if main.is_bound:
        main.errors  # noqa: B018  (cleans the form: the conditions' answers are needed below)
        values = getattr(main, "cleaned_data", {})
    items = []
    for spec in form.specs:
        shown = not main.is_bound or _shown(spec, values)
        if spec["type"] == "rows":
            item = _rows_item(spec, form.rows[spec["key"]], shown, quiet, language)
        else:
            field = main[spec["key"]]
            item = {
                "rows_field": False,
                "key": spec["key"],
                "field": field,
                "label": field.label,
                "help": field.help_text,
                "required": field.field.required,
                "fieldset": field.use_fieldset,
                "show_errors": main.is_bound and not quiet,
            }
        item["note"] = condition_note(spec, form.specs, language)
        items.append(item)
    return items
