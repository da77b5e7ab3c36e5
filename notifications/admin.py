"""The outbox for operators: status, attempts and the last error, and sending again."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Outbox, OutboxStatus


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "key"]
    readonly_fields = [field.name for field in Outbox._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        count = queryset.exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.QUEUED, next_attempt_at=timezone.now(), attempts=0
        )
        messages.success(request, _("%(n)s e-mails queued again.") % {"n": count})
