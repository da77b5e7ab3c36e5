"""A form view that calls services and explains a refusal on the form."""

from django.db import transaction

from sspf_flow.refusals import TransitionRefused


def explain(form, refused):
    """Show each reason next to the field it is about, or above the form when the form has no
    such field. The reasons shown at fields are also listed above the form (``_errors.html``,
    with a link to each field), so the whole refusal is read in one place."""
    for reason in refused.reasons:
        if reason.field in form.fields:
            form.add_error(reason.field, reason)
            form.refused_at = [*getattr(form, "refused_at", []), (form[reason.field], reason)]
        else:
            form.add_error(None, reason)


def check(form, *reasons):
    """In a form's ``clean``: show the named guards' reasons next to their fields."""
    explain(form, TransitionRefused(reasons))


class PerformOrExplain:
    """A form view whose ``perform(form)`` calls services. It runs as one unit: a refusal
    undoes all of it and shows every reason on the form, keeping what the user typed;
    otherwise ``done()`` answers."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.perform(form)
        except TransitionRefused as refused:
            explain(form, refused)
            return self.form_invalid(form)
        return self.done()
