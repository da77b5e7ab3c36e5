"""The municipality's form template of a step (issue 5), filled in beside the step's own form.

A step's page shows the published version of the template of its kind under its own fields
(``forms/fill.html``); on POST both must be valid, and the answers are stored as a
``forms.Submission`` pinned to that version in the transaction of the step's service call. A
municipality without a published version of the kind gets no section and nothing is stored."""

from django.utils import translation
from django.utils.functional import cached_property

from forms import services as form_services
from forms.builder import TemplateForm
from forms.models import FormVersion

PREFIX = "tpl"


def language():
    return (translation.get_language() or "sv").split("-")[0]


class TemplateSection:
    """The template form of one step's page; false when the municipality has none published."""

    def __init__(self, municipality, kind, data=None):
        self.version = FormVersion.objects.published_for(municipality, kind)
        self.form = None
        self.quiet = False  # the step did not need the template this time: no errors shown
        if self.version is not None:
            self.form = TemplateForm(
                self.version.fields, municipality, data=data, language=language(), prefix=PREFIX
            )

    def __bool__(self):
        return self.form is not None

    @property
    def title(self):
        return self.version.template.name if self.version else ""

    def is_valid(self):
        return self.form is None or self.form.is_valid()

    def store(self, author, case, about, about_id=None):
        """Store the answers; call inside the step's transaction, after its service call."""
        if self.form is None:
            return None
        return form_services.submit(
            self.version, self.form.answers, author, case=case, about=about, about_id=about_id
        )


class WithTemplate:
    """For a step's form view (``PerformOrExplain``) with ``self.case``: the template section of
    ``template_kind`` in the context, and its validity required before ``perform`` runs."""

    template_kind = None

    @cached_property
    def template_section(self):
        data = self.request.POST if self.request.method == "POST" else None
        return TemplateSection(self.case.municipality, self.template_kind, data)

    def template_needed(self, form):
        """Whether the answers count for this submission of ``form`` (a validated form)."""
        return True

    def get_context_data(self, **kwargs):
        section = self.template_section
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data"):
            section.quiet = not self.template_needed(form)
        return super().get_context_data(template_section=section, **kwargs)

    def form_valid(self, form):
        if self.template_needed(form) and not self.template_section.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def store_template(self, about, about_id=None):
        return self.template_section.store(
            self.request.user, self.case, about=about, about_id=about_id
        )
