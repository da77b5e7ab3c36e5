"""Every field of a stored record as a labelled row of the register extract, in the reader's
words: a choice by its label, a coded list by its labels, a date as a date, a link to another
record by that record's name. The names of linked records are read together, one query per kind
of record however many records link to them (``Names``), so that an extract of many cases costs
the same number of queries as one."""

import os
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sspf_flow.models import ConcernCategory, InformationCategory
from sspf_flow.models.case import ProtectiveFactor

EMPTY = "–"

# coded lists kept as JSON, by the field's name
CODED_LISTS = {
    "concerns": ConcernCategory,
    "protective_factors": ProtectiveFactor,
    "categories": InformationCategory,
    "need_areas": ConcernCategory,
}
# fields that are bookkeeping, not data about the person (reminder claims, calendar revisions,
# the link from a carried-over goal to its earlier version)
BOOKKEEPING = {"sequence", "reminded_at", "overdue_at", "carried_from", "calendar_token"}


@dataclass
class Item:
    """One stored record: a title, its fields as (label, text) rows, a note to the reader (e.g.
    confidential toward the guardians) and the records that belong to it, under headings."""

    title: str
    rows: list
    note: str = ""
    parts: list = field(default_factory=list)  # [(heading, [Item])]


def _user_name(user):
    return user.get_full_name() or user.get_username()


# How a linked record is named, where its own ``str`` would read further records.
NAMED = {
    "auth.user": _user_name,
    "sspf_flow.case": lambda case: case.number,
    "sspf_flow.followup": lambda follow_up: date_format(follow_up.date, "Y-m-d"),
    "sspf_flow.journalnote": lambda note: moment(note.written_at),
    "sspf_flow.goal": lambda goal: goal.text,
    "sspf_flow.action": lambda action: action.text,
    "forms.formversion": lambda version: f"{version.template.name} v{version.number}",
    "operative.top5selection": lambda selection: date_format(selection.held_on, "Y-m-d"),
    "operative.groupmember": lambda member: _user_name(member.user),
}
# what a linked record's name needs read with it
WITH = {"forms.formversion": ("template",), "operative.groupmember": ("user",)}


def moment(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _label(model):
    return model._meta.label_lower


class Names:
    """The names of the records the extract's records link to: ``want`` the records first, then
    ``load`` reads each kind's names in one query."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    def want(self, records):
        for record in records:
            for fk in record._meta.concrete_fields:
                if fk.is_relation and fk.name not in BOOKKEEPING:
                    value = getattr(record, fk.attname)
                    if value is not None:
                        self.wanted[fk.related_model].add(value)

    def load(self):
        for model, pks in sorted(self.wanted.items(), key=lambda item: _label(item[0])):
            name = NAMED.get(_label(model), str)
            rows = model._default_manager.filter(pk__in=pks).select_related(
                *WITH.get(_label(model), ())
            )
            self.found[model] = {row.pk: name(row) for row in rows}

    def of(self, model, pk):
        return self.found.get(model, {}).get(pk, EMPTY)


def text(record, model_field, names):
    """The field's value in words."""
    value = getattr(record, model_field.attname)
    if model_field.is_relation:
        return EMPTY if value is None else names.of(model_field.related_model, value)
    if value in (None, "", [], {}):
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        return moment(value)
    if isinstance(model_field, models.DateField):
        return date_format(value, "Y-m-d")
    if isinstance(model_field, models.FileField):
        return _("A file: %(name)s") % {"name": os.path.basename(value.name)}
    if isinstance(value, list):
        codes = CODED_LISTS.get(model_field.name)
        labels = dict(codes.choices) if codes else {}
        return ", ".join(str(labels.get(code, code)) for code in value)
    return str(value)


def rows(record, names, skip=()):
    """Every field of ``record`` but its key, those in ``skip`` (the record it belongs to,
    shown by where it stands) and bookkeeping, each as (label, text); then its many-to-many
    fields (prefetched) as lists of names."""
    result = [
        (capfirst(str(f.verbose_name)), text(record, f, names))
        for f in record._meta.concrete_fields
        if not f.primary_key and f.name not in skip and f.name not in BOOKKEEPING
    ]
    for many in record._meta.many_to_many:
        if many.name in skip:
            continue
        name = NAMED.get(_label(many.related_model), str)
        shown = ", ".join(name(other) for other in getattr(record, many.name).all())
        result.append((capfirst(str(many.verbose_name)), shown or EMPTY))
    return result


def item(title, record, names, skip=(), note="", parts=()):
    return Item(str(title), rows(record, names, skip), note, list(parts))
