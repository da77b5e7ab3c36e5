"""Changing templates: every change goes through here, and a template that cannot work is
refused with the reasons (``forms.schema.problems``)."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow.refusals import TransitionRefused, refuse_if

from .models import FormTemplate, FormVersion, Submission, VersionStatus
from .schema import problems

EXPORT_FORMAT = "sspf-form-template/1"


def _refuse_problems(fields):
    found = problems(fields)
    if found:
        raise TransitionRefused(found)


@transaction.atomic
def create_template(municipality, kind, name, fields, user=None):
    """A new template with its first version as a draft."""
    refuse_if(
        FormTemplate.objects.filter(municipality=municipality, kind=kind).exists()
        and _("The municipality already has a template of this kind: make a new version of it.")
    )
    _refuse_problems(fields)
    template = FormTemplate.objects.create(municipality=municipality, kind=kind, name=name)
    FormVersion.objects.create(
        template=template, number=1, fields=fields, created_at=timezone.now(), created_by=user
    )
    return template


def save_draft(version, fields):
    refuse_if(
        version.status != VersionStatus.DRAFT
        and _("Only a draft can be changed: copy the version to a new draft first.")
    )
    _refuse_problems(fields)
    version.fields = fields
    version.save(update_fields=["fields"])
    return version


@transaction.atomic
def publish(version):
    """The draft becomes the version the process uses; the one published before retires."""
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    refuse_if(version.status != VersionStatus.DRAFT and _("Only a draft can be published."))
    _refuse_problems(version.fields)
    now = timezone.now()
    FormVersion.objects.filter(
        template_id=version.template_id, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.RETIRED, retired_at=now)
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.save(update_fields=["status", "published_at"])
    return version


def retire(version):
    refuse_if(version.status != VersionStatus.PUBLISHED and _("Only a published version retires."))
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    return version


@transaction.atomic
def copy_to_draft(version, user=None):
    """A new draft with the version's fields; refused while another draft exists."""
    template = FormTemplate.objects.select_for_update().get(pk=version.template_id)
    refuse_if(
        template.versions.filter(status=VersionStatus.DRAFT).exists()
        and _("This template already has a draft: change that one.")
    )
    number = (
        template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return FormVersion.objects.create(
        template=template,
        number=number,
        fields=version.fields,
        created_at=timezone.now(),
        created_by=user,
    )


def export_json(version):
    return json.dumps(
        {
            "format": EXPORT_FORMAT,
            "kind": version.template.kind,
            "name": version.template.name,
            "version": version.number,
            "fields": version.fields,
        },
        ensure_ascii=False,
        indent=2,
    )


def parse_import(text):
    """(kind, name, fields) from an exported file, or TransitionRefused saying what is wrong."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        raise TransitionRefused([_("The file is not JSON.")]) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise TransitionRefused([_("The file is not an exported SSPF form template.")])
    from .models import FormKind

    refuse_if(data.get("kind") not in FormKind.values and _("The file names an unknown kind."))
    fields = data.get("fields")
    _refuse_problems(fields)
    return data["kind"], str(data.get("name") or ""), fields


def submit(version, answers, author, case=None, about="", about_id=None):
    refuse_if(
        version.status != VersionStatus.PUBLISHED
        and _("Answers are given to the published version only.")
    )
    return Submission.objects.create(
        version=version,
        case=case,
        about=about,
        about_id=about_id,
        answers=answers,
        author=author,
        created_at=timezone.now(),
    )


DEFAULTS = Path(__file__).resolve().parent / "defaults"


def install_defaults(municipality):
    """Give the municipality the default Swedish templates (from the seeds' appendices) it does
    not have yet, each published as version 1. Safe to run again."""
    have = set(municipality.form_templates.values_list("kind", flat=True))
    installed = []
    for path in sorted(DEFAULTS.glob("*.json")):
        kind, name, fields = parse_import(path.read_text(encoding="utf-8"))
        if kind in have:
            continue
        template = create_template(municipality, kind, name, fields)
        publish(template.versions.get())
        installed.append(template)
    return installed
