"""The FilterSets of the reporting lists; each serves its page and that page's export."""

from __future__ import annotations

import django_filters

from common.lists import StyledFilterSet

from .choices import EscalationStatus
from .models import Escalation


class EscalationFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=EscalationStatus.choices, empty_label="全部状态"
    )

    class Meta:
        model = Escalation
        fields: list[str] = []
