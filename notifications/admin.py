"""The outbox for operators: status, attempts and the last error, and sending again.

It shows no address linked to a case. A recipient's address (a guardian's private one among
them) is masked wherever it would appear: the recipient, the key, the last error (SMTP errors
quote it), the calendar invitation. It cannot be searched or filtered for either, which would
tell it letter by letter. A row's page shows its subject and text, which name cases by number
only (by design): opening it is written to the access log for each case it names."""

import re

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import accesslog
from sspf_flow.models import Case

from .models import Outbox, OutboxStatus, mask

# The texts of a row that may hold an address; the row's page shows them masked.
TEXTS = ("to", "key", "subject", "body_text", "body_html", "calendar", "last_error")
# The only lookups the list takes from the address bar: its filters.
FILTERS = ("status", "kind")


def cases_named(row):
    """The cases a row's subject and text name by number."""
    pattern = rf"\b{re.escape(settings.CASE_NUMBER_PREFIX)}-\d{{4}}-\d+\b"
    numbers = set(re.findall(pattern, f"{row.subject}\n{row.body_text}"))
    return Case.objects.filter(number__in=numbers) if numbers else Case.objects.none()


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "address", "status", "attempts", "sent_at", "error"]
    list_filter = list(FILTERS)
    readonly_fields = [field.name for field in Outbox._meta.fields]
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def address(self, row):
        return mask(row.to)

    @admin.display(description=_("last error"))
    def error(self, row):
        return mask(row.last_error)

    def get_object(self, request, object_id, from_field=None):
        """The row with its addresses masked, for its page, its history and its deletion; a
        copy that is never saved (rows are not changed here)."""
        row = super().get_object(request, object_id, from_field)
        if row is not None:
            for name in TEXTS:
                setattr(row, name, mask(getattr(row, name)))
        return row

    def lookup_allowed(self, lookup, value, request=None):
        return lookup.split("__")[0] in FILTERS and super().lookup_allowed(lookup, value, request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # its confirmation lists the rows unmasked
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        """A row is read here, not changed; "Send again" needs the permission to change."""
        return obj is None and super().has_change_permission(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # An operator may read the outbox (its permission is the basis), not the case.
            accesslog.record(
                request,
                cases_named(obj),
                _("outgoing e-mail in the admin"),
                basis=request.user.has_perm("notifications.view_outbox"),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = queryset.exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.QUEUED, next_attempt_at=timezone.now(), attempts=0
        )
        messages.success(request, _("%(n)s e-mails queued again.") % {"n": count})
