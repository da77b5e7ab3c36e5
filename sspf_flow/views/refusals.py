from django.db import transaction

from .. import services


class PerformOrExplain:
    """A form view whose ``perform(form)`` calls services. It runs as one unit: a refusal
    undoes all of it and shows every reason on the form, keeping what the user typed;
    otherwise ``done()`` answers."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.perform(form)
        except services.TransitionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
            return self.form_invalid(form)
        return self.done()
