"""The FilterSets of the reporting lists; each serves its page and that page's export."""

from __future__ import annotations

import django_filters

from common.lists import StyledFilterSet

from .choices import EscalationStatus
from .models import Escalation
from .selectors.rankings import can_see_drafts


class EscalationFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=EscalationStatus.choices, empty_label="全部状态"
    )

    class Meta:
        model = Escalation
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A unit's users never see proposals (drafts) or withdrawn ones: they are not offered as a filter.
        if not can_see_drafts(self.request.user):
            hidden = (EscalationStatus.PROPOSED, EscalationStatus.WITHDRAWN)
            status = self.form.fields["status"]
            status.choices = [(value, label) for value, label in status.choices if value not in hidden]
