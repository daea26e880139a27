"""Read-only views of the ledger for staff with the view permission; nothing can be changed here."""

from django.contrib import admin

from .models import Checkpoint, Entry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ("seq", "time", "actor", "action", "subject")
    search_fields = ("subject",)
    show_full_result_count = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnly):
    list_display = ("id", "size", "time")
