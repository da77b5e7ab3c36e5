from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperativeConfig(AppConfig):
    name = "operative"
    verbose_name = _("Operative group")
    default_auto_field = "django.db.models.BigAutoField"
