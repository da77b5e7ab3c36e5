from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    """Municipality-editable form templates (filled in by a later issue)."""

    name = "forms"
    label = "sspf_forms"
    verbose_name = _("Form templates")
    default_auto_field = "django.db.models.BigAutoField"
