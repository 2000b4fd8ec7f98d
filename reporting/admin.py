from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OfficialFigure


@admin.register(OfficialFigure)
class OfficialFigureAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "year", "month", "ytd_completed", "baseline", "entered_by", "updated_at"]
    list_filter = ["year", "month", "unit__kind", "unit"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "entered_by"]
    autocomplete_fields = ["unit"]
