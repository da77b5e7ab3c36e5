from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    """Municipality-editable form templates: versions, a builder, submissions, renderers."""

    name = "forms"
    label = "sspf_forms"
    verbose_name = _("Form templates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from sspf_flow import erasure
        from sspf_flow.models import Municipality

        post_save.connect(
            _defaults_for_new_municipality, sender=Municipality, dispatch_uid="forms.defaults"
        )
        erasure.deidentifying.connect(_blank_answers, dispatch_uid="forms.gallring.blank")
        erasure.purging.connect(_delete_submissions, dispatch_uid="forms.gallring.delete")


def _defaults_for_new_municipality(sender, instance, created, raw=False, **kwargs):
    """A new municipality starts with the default templates, which its process owner adapts."""
    if created and not raw:
        from .services import install_defaults

        install_defaults(instance)


def _blank_answers(sender, case, **kwargs):
    """Gallring de-identifies the case: the answers of its forms (protocols, checklists, the
    referral's extra questions) are free text, and go. The submissions stay as empty rows."""
    from .models import Submission

    Submission.objects.filter(case=case).gallra(answers={})


def _delete_submissions(sender, case, **kwargs):
    """Gallring deletes the case: its form submissions go first (they protect the case)."""
    from .models import Submission

    Submission.objects.filter(case=case).gallra()
