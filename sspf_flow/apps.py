from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SspfFlowConfig(AppConfig):
    name = "sspf_flow"
    verbose_name = _("SSPF cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, rules  # noqa: F401  (system checks, object permissions)
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="sspf_flow.ensure_roles")
