from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SspfFlowConfig(AppConfig):
    name = "sspf_flow"
    verbose_name = _("SSPF cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import User
        from django.db.models.signals import m2m_changed, post_save

        from . import access, checks, sessions, sso  # noqa: F401  (checks, sessions: registers)
        from .catalogue import seed_new_municipality
        from .models import Municipality
        from .models.process import CaseTaskQuerySet
        from .roles import ensure_roles, role_membership_changed

        # viewflow's own task lists ask the access module which cases a user may read.
        CaseTaskQuerySet.narrow = staticmethod(access.tasks_visible_to)

        # After every app's migrate, so that permissions of apps after this one exist too.
        post_migrate.connect(ensure_roles, dispatch_uid="sspf_flow.ensure_roles")

        # Every role given or taken is recorded, wherever it is done (sspf_flow.roles).
        m2m_changed.connect(
            role_membership_changed,
            sender=User.groups.through,
            dispatch_uid="sspf_flow.role_changes",
        )

        # A mistake in the single sign-on's group mapping stops start-up (sspf_flow.sso).
        sso.check_configuration()

        # A new municipality starts with the default catalogue of interventions.
        post_save.connect(
            seed_new_municipality, sender=Municipality, dispatch_uid="sspf_flow.interventions"
        )
