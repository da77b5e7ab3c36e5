"""The form template editor, for the administrator (the process owner): list, versions, edit a
draft's fields, preview, publish, retire, copy to a new draft, import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sspf_flow import access
from sspf_flow.models import Municipality
from sspf_flow.refusals import TransitionRefused

from . import services
from .builder import TemplateForm
from .editor import FieldFormSet, ImportForm, fields_from, initial_of
from .models import FormTemplate, FormVersion, VersionStatus
from .render import pdf_response, render_pdf


def templates_of(user):
    return access.form_templates_visible_to(
        user, FormTemplate.objects.select_related("municipality")
    )


def _editor(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.can_edit_forms(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _template(request, pk):
    return get_object_or_404(templates_of(request.user), pk=pk)


def _version(request, pk):
    return get_object_or_404(
        FormVersion.objects.select_related("template__municipality").filter(
            template__in=templates_of(request.user)
        ),
        pk=pk,
    )


def _refused(request, refused):
    for reason in refused.reasons:
        messages.error(request, reason)


@_editor
def template_list(request):
    templates = templates_of(request.user).prefetch_related("versions")
    rows = []
    for template in templates.order_by("municipality__name", "kind"):
        versions = list(template.versions.all())
        rows.append(
            {
                "template": template,
                "published": next(
                    (v for v in versions if v.status == VersionStatus.PUBLISHED), None
                ),
                "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            }
        )
    return TemplateResponse(request, "forms/template_list.html", {"rows": rows})


@_editor
def template_detail(request, pk):
    template = _template(request, pk)
    return TemplateResponse(
        request,
        "forms/template_detail.html",
        {"template": template, "versions": template.versions.order_by("-number")},
    )


@_editor
def version_edit(request, pk):
    """Change a draft's fields: all rows are checked together, and a template that cannot work
    is refused with every reason; nothing typed is lost."""
    version = _version(request, pk)
    if version.status != VersionStatus.DRAFT:
        messages.error(
            request, _("Only a draft can be changed: copy the version to a new draft first.")
        )
        return redirect("forms:template", version.template_id)
    formset = FieldFormSet(
        request.POST if request.method == "POST" else None,
        initial=[initial_of(f) for f in version.fields],
        prefix="f",
    )
    problems = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_draft(version, fields_from(formset))
        except TransitionRefused as refused:
            problems = refused.reasons
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("forms:preview", version.pk)
    return TemplateResponse(
        request,
        "forms/version_edit.html",
        {"version": version, "formset": formset, "problems": problems},
    )


@_editor
def version_preview(request, pk):
    """The form as it will be filled in; sending it checks the answers but stores nothing."""
    version = _version(request, pk)
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(version.fields, version.template.municipality, data)
    checked = request.method == "POST" and form.is_valid()
    return TemplateResponse(
        request,
        "forms/version_preview.html",
        {"version": version, "form": form, "checked": checked},
    )


@_editor
def version_pdf(request, pk):
    version = _version(request, pk)
    return pdf_response(
        request,
        lambda: render_pdf(version.template.name, version.fields, footer=str(version)),
        f"{version.template.kind}-v{version.number}.pdf",
    )


@_editor
def version_export(request, pk):
    version = _version(request, pk)
    response = HttpResponse(services.export_json(version), content_type="application/json")
    name = f"{version.template.kind}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _act(request, pk, action, done):
    version = _version(request, pk)
    try:
        result = action(version)
    except TransitionRefused as refused:
        _refused(request, refused)
        return redirect("forms:template", version.template_id)
    messages.success(request, done)
    return redirect("forms:template", getattr(result, "template_id", version.template_id))


@require_POST
@_editor
def version_publish(request, pk):
    return _act(request, pk, services.publish, _("Published: new forms use this version."))


@require_POST
@_editor
def version_retire(request, pk):
    return _act(
        request,
        pk,
        services.retire,
        _(
            "Retired: the process asks no extra questions of this kind until a version is "
            "published."
        ),
    )


@require_POST
@_editor
def version_copy(request, pk):
    version = _version(request, pk)
    try:
        draft = services.copy_to_draft(version, request.user)
    except TransitionRefused as refused:
        _refused(request, refused)
        return redirect("forms:template", version.template_id)
    messages.success(request, _("A new draft is made from this version."))
    return redirect("forms:edit", draft.pk)


def _the_municipality(user):
    """Where an imported template of a new kind goes: the editor's municipality, or the
    installation's only one."""
    agency = access.agency_of(user)
    if agency is not None:
        return agency.municipality
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise TransitionRefused([_("There is no template of this kind to import into.")])
    return municipalities[0]


@_editor
def template_import(request):
    """A file exported from this or another installation becomes a new draft of the
    municipality's template of that kind."""
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    templates = templates_of(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        try:
            with transaction.atomic():
                kind, name, fields = services.parse_import(text)
                template = templates.filter(kind=kind).first()
                if template is None:  # the municipality has none of this kind (any more)
                    template = services.create_template(
                        _the_municipality(request.user), kind, name, fields, request.user
                    )
                    draft = template.versions.get()
                else:
                    draft = services.copy_to_draft(
                        template.versions.order_by("-number").first(), request.user
                    )
                    services.save_draft(draft, fields)
        except TransitionRefused as refused:
            form.add_error("file", list(refused.reasons))
        else:
            messages.success(request, _("Imported as a new draft: check it, then publish it."))
            return redirect("forms:preview", draft.pk)
    return TemplateResponse(request, "forms/import.html", {"form": form})
