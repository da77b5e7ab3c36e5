from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """What users click for cases: the flow, its task pages, the case pages, the dashboards,
    the access log's pages and the demo loader. No models of its own."""

    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from .workflow import timers  # noqa: F401  (registers the beat task firing the timers)
