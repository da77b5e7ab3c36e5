from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_lock_backend(app_configs, **kwargs):
    """Row locks serialise concurrent changes of one case only on PostgreSQL."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine and not settings.SSPF_DEMO:
        return [
            Warning(
                "SQLite is for the demo; use PostgreSQL (DATABASE_URL) in production.",
                id="sspf.W001",
            )
        ]
    return []
