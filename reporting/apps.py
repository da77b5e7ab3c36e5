from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """What leaves the system as a report: the steering group's de-identified statistics and the
    register extract for one young person. It sits above both wings (cases and the operative
    group) because it reads from both; nothing imports it."""

    name = "reporting"
    verbose_name = _("Reports and statistics")
    default_auto_field = "django.db.models.BigAutoField"
