"""The administrator creates the operative groups and names their members (the agency is taken
from each member's membership)."""

from django.contrib import admin

from .models import GroupMember, OperativeGroup


class MemberInline(admin.TabularInline):
    model = GroupMember
    fields = ("user", "mandate", "role")
    extra = 1


@admin.register(OperativeGroup)
class OperativeGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    inlines = [MemberInline]
