"""The admin role configures the organisation: municipalities, agencies and who belongs to
which agency. No case data is registered here: administrators do not read cases."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .models import Agency, Membership, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Includes the consent age rules and the deadline ladder, which differ between
    municipalities."""

    list_display = ["name", "code", "consent_age_alone", "consent_age_with_guardians"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "code"]}),
        (_("Consent"), {"fields": ["consent_age_alone", "consent_age_with_guardians"]}),
        (
            _("Reminders and escalations"),
            {
                "fields": [
                    "reminder_days",
                    "escalate_to_coordinator_days",
                    "escalate_to_manager_days",
                    "consent_expiry_notice_days",
                    "consent_pending_days",
                ]
            },
        ),
    ]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "contact_name", "contact_email"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "contact_name"]


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["agency"]
    raw_id_fields = ["manager"]


admin.site.unregister(User)


@admin.register(User)
class SspfUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "membership", "is_active"]
    list_select_related = ["membership__agency"]
    list_filter = ["groups", "is_active", "membership__agency"]
