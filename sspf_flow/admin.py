"""The admin role configures the organisation: municipalities, agencies and who belongs to
which agency. No case data is registered here: administrators do not read cases.

Nobody raises their own rights here: only a superuser sets staff, superuser status and single
permissions, only another person changes one's roles, an administrator holds no case role
(``access.administrator_holds_no_case_role``), and every role given or taken is recorded with
who did it (``roles.changed_by``)."""

import logging

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import access, roles
from .models import Agency, Intervention, Membership, Municipality, RetentionRule, RiskLevel, Role

log = logging.getLogger("sspf.signin")


class MunicipalityForm(forms.ModelForm):
    """The target group's risk levels as boxes to tick (a list of codes in the database)."""

    target_risk_levels = forms.MultipleChoiceField(
        label=_("risk levels in the target group"),
        choices=RiskLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Municipality._meta.get_field("target_risk_levels").help_text,
    )

    class Meta:
        model = Municipality
        fields = ["target_risk_levels"]  # the admin adds the fieldsets' fields


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Includes the consent age rules, the deadline ladder and the target group, which differ
    between municipalities."""

    form = MunicipalityForm
    list_display = ["name", "code", "consent_age_alone", "consent_age_with_guardians"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "code", "colour"]}),
        (_("Consent"), {"fields": ["consent_age_alone", "consent_age_with_guardians"]}),
        (
            _("Deadlines, reminders and escalations"),
            {
                "fields": [
                    "reminder_days",
                    "escalate_to_coordinator_days",
                    "escalate_to_manager_days",
                    "consent_expiry_notice_days",
                    "assess_within_days",
                    "consent_pending_days",
                    "plan_within_days",
                ]
            },
        ),
        (
            _("Target group"),
            {"fields": ["target_age_min", "target_age_max", "target_risk_levels"]},
        ),
        (_("Statistics"), {"fields": ["statistics_threshold"]}),
    ]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The municipality's rules for gallring (its records management plan). Until a rule is
    set for a kind of record, nothing of that kind is removed; the gallring page shows what
    the rules would remove today."""

    list_display = ["municipality", "record_type", "years", "action"]
    list_filter = ["municipality"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "contact_name", "contact_email"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "contact_name"]


def in_use_message(count):
    """Why an intervention cannot be deleted, without naming a case or an action."""
    return ngettext(
        "%(count)s action uses this intervention, so it cannot be deleted. Untick “in use” "
        "instead: it is then no longer offered for new actions, and the action keeps it.",
        "%(count)s actions use this intervention, so it cannot be deleted. Untick “in use” "
        "instead: it is then no longer offered for new actions, and the actions keep it.",
        count,
    ) % {"count": count}


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    """The municipality's catalogue of interventions, which actions pick from (or "other").
    An administrator with an agency sees their municipality's. The count of actions using an
    entry is all that is shown of them: no case, no action text."""

    list_display = ["name", "agency_kind", "active", "position", "used_by", "municipality"]
    list_editable = ["active", "position"]
    list_filter = ["active", "agency_kind", "municipality"]
    search_fields = ["name"]
    fields = ["municipality", "name", "agency_kind", "active", "position"]

    def get_queryset(self, request):
        interventions = super().get_queryset(request).annotate(uses=Count("actions"))
        agency = access.agency_of(request.user)
        if agency is not None:
            interventions = interventions.filter(municipality_id=agency.municipality_id)
        return interventions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        agency = access.agency_of(request.user)
        if db_field.name == "municipality" and agency is not None:
            kwargs["queryset"] = Municipality.objects.filter(pk=agency.municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("used by actions"), ordering="uses")
    def used_by(self, intervention):
        return intervention.uses

    def get_deleted_objects(self, objs, request):
        """Django would list the protected actions by their text (case data): say instead how
        many actions use each entry, and what to do."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            used = Intervention.objects.filter(pk__in=[o.pk for o in objs]).annotate(
                uses=Count("actions")
            )
            protected = [
                f"{intervention.name}: {in_use_message(intervention.uses)}"
                for intervention in used
                if intervention.uses
            ]
        return deleted, counts, perms_needed, protected


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["agency"]
    raw_id_fields = ["manager"]


def role_name(group):
    """A role group by its name in words (the group's name is the role's code)."""
    return str(Role(group.name).label) if group.name in Role else group.name


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role:
            return queryset.filter(groups__name=self.value())
        return queryset


class RolesForm(UserChangeForm):
    """A user's page, its roles checked against the rules; ``actor`` is who edits it."""

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = self.fields.get("groups")
        if groups is not None:
            groups.label = _("Roles")
            groups.help_text = _(
                "What the user does in SSPF; each role is given by another administrator."
            )
            groups.label_from_instance = role_name
        self.own_roles = self.actor and access.roles_given_by_another(self.actor, self.instance)
        if groups is not None and self.own_roles:
            groups.disabled = True  # a browser sends nothing; a posted value is refused below
            groups.help_text = str(self.own_roles)

    def clean(self):
        cleaned_data = super().clean()
        if "groups" not in self.fields:
            return cleaned_data
        if self.own_roles:
            shown = {str(pk) for pk in self.instance.groups.values_list("pk", flat=True)}
            if "groups" in self.data and set(self.data.getlist("groups")) != shown:
                self.add_error("groups", str(self.own_roles))
        elif "groups" in cleaned_data:
            names = [group.name for group in cleaned_data["groups"]]
            if reason := access.administrator_holds_no_case_role(names):
                self.add_error("groups", str(reason))
        return cleaned_data


admin.site.unregister(User)
# django-otp's device pages would show a TOTP key (the secret of a user's app) and the recovery
# codes: the administrator resets a user's second factor from the user list instead.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
# The roles are fixed in code (``roles.ensure_roles``) and given on a user's page: their
# permissions are not for editing, and the group list would show the roles by their codes.
admin.site.unregister(Group)

# Only a superuser gives these: each of them passes the roles' permissions.
PRIVILEGES = ("is_staff", "is_superuser", "user_permissions")


@admin.register(User)
class SspfUserAdmin(UserAdmin):
    form = RolesForm
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "membership", "is_active"]
    list_select_related = ["membership__agency"]
    list_filter = [RoleFilter, "is_active", "membership__agency"]
    actions = ["reset_second_factor", "unlock_sign_in"]

    def _managed(self, request, queryset):
        return [user for user in queryset if access.may_manage_account(request.user, user)]

    @admin.action(description=_("Reset two-factor sign-in"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """The user's app, recovery codes and security keys are removed: at their next sign-in
        they set up an app again."""
        users = self._managed(request, queryset)
        for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
            model.objects.filter(user__in=users).delete()
        for user in users:
            log.info("second factor reset: user=%s by=%s", user.username, request.user.username)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(n)d user.",
                "Two-factor sign-in reset for %(n)d users.",
                len(users),
            )
            % {"n": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        """Forget the failed sign-ins counted against the users' usernames and against the
        addresses they came from: both locks are lifted."""
        names = [user.username for user in self._managed(request, queryset)]
        attempts = AccessAttempt.objects.filter(username__in=names)
        addresses = set(attempts.values_list("ip_address", flat=True)) - {None}
        AccessAttempt.objects.filter(Q(username__in=names) | Q(ip_address__in=addresses)).delete()
        for name in names:
            log.info("sign-in unlocked: user=%s by=%s", name, request.user.username)
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked for %(n)d user.", "Sign-in unlocked for %(n)d users.", len(names)
            )
            % {"n": len(names)},
            messages.SUCCESS,
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            readonly += PRIVILEGES
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a class made for this request
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        with roles.changed_by(request.user):
            super().save_related(request, form, formsets, change)
