from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """What leaves the system as a report: the steering group's de-identified statistics and the
    register extract for one young person. It sits above both wings (cases and the operative
    group) because it reads from both; nothing imports it."""

    name = "reporting"
    verbose_name = _("Reports and statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from sspf_flow.erasure import deidentifying, purging
        from sspf_flow.events import case_event_recorded
        from sspf_flow.models import Consultation

        from . import facts

        case_event_recorded.connect(facts.mark_stale, dispatch_uid="reporting.facts.mark_stale")
        for name, signal in (("deidentifying", deidentifying), ("purging", purging)):
            signal.connect(facts.keep_before_erasure, dispatch_uid=f"reporting.facts.{name}")
        post_save.connect(
            facts.keep_consultation,
            sender=Consultation,
            dispatch_uid="reporting.facts.keep_consultation",
        )
