"""A project's audit trail: every change to it, its monthly reports and its annual plans.

The history rows are written by django-simple-history (and explicitly by the bulk writes); this
reads them back as who, when, what, old value and new value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models

from common.figures import format_wan
from projects.models import Project, ProjectReport, ProjectYearPlan

from ..choices import HistorySubject

HISTORY_LIMIT = 300
ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
# Who and when are the history row's user and time already; these would only repeat them.
NOT_SHOWN = {"updated_by", "entered_by", "unusual_confirmed_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: object
    subject: str
    action: str
    reason: str
    changes: list[FieldChange]


# What a new report or plan holds is its point (and a confirmation of its amount, when it has one);
# a new project's fields are on its page.
SHOWN_ON_CREATION = {
    ProjectReport: ("amount", "unusual_confirmed_by", "unusual_reason"),
    ProjectYearPlan: ("planned_investment",),
}


def _subject(record) -> str:
    if record.instance_type is ProjectReport:
        return f"{record.year}年{record.month}月月报"
    if record.instance_type is ProjectYearPlan:
        return f"{record.year}年度计划投资"
    return "项目信息"


def _shown(field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return str(related.get((field.related_model, value), value))
    if isinstance(value, Decimal):
        return format_wan(value, 2)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _in_model_order(meta, changes: list) -> list:
    """A version's changed fields in the order the model declares them; simple_history gives them in
    a set's order, which differs from one process to the next."""
    order = {field.name: index for index, field in enumerate(meta.fields)}
    return sorted(changes, key=lambda change: order.get(change.field, len(order)))


def project_history(
    *, project: Project, subject: str | None = None, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """The latest ``limit`` changes, newest first, of the three histories or only of ``subject``'s
    (a ``HistorySubject``); a fixed number of queries (the histories read and the objects they point to)."""
    histories = {
        HistorySubject.PROJECT: Project.history.filter(id=project.pk),
        HistorySubject.REPORT: ProjectReport.history.filter(project_id=project.pk),
        HistorySubject.PLAN: ProjectYearPlan.history.filter(project_id=project.pk),
    }
    records = []
    for name, history in histories.items():
        if subject in (None, name):
            records += history.select_related("history_user").order_by("history_date", "history_id")
    previous: dict[tuple[type, int], object] = {}
    pairs = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        key = (type(record), record.id)
        pairs.append((record, previous.get(key)))
        previous[key] = record
    pairs = pairs[-limit:]

    deltas = {}
    wanted: dict[type, set] = defaultdict(set)
    for record, before in pairs:
        if before is None:
            if record.instance_type is ProjectReport and record.unusual_confirmed_by_id is not None:
                wanted[record.instance_type._meta.get_field("unusual_confirmed_by").related_model].add(
                    record.unusual_confirmed_by_id
                )
            continue
        delta = record.diff_against(before, excluded_fields=NOT_SHOWN)
        deltas[id(record)] = delta
        for change in delta.changes:
            field = record.instance_type._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update(v for v in (change.old, change.new) if v is not None)
    related = {
        (model, pk): obj
        for model, pks in wanted.items()
        for pk, obj in model._default_manager.in_bulk(pks).items()
    }

    entries = []
    for record, before in reversed(pairs):
        meta = record.instance_type._meta
        if before is None or record.history_type != "~":
            changes = []
            if record.history_type == "+" and record.instance_type in SHOWN_ON_CREATION:
                point, *extra = (meta.get_field(name) for name in SHOWN_ON_CREATION[record.instance_type])
                changes = [
                    FieldChange(
                        str(field.verbose_name), "—", _shown(field, getattr(record, field.attname), related)
                    )
                    for field in (point, *(field for field in extra if getattr(record, field.attname)))
                ]
        else:
            changes = [
                FieldChange(
                    str(meta.get_field(c.field).verbose_name),
                    _shown(meta.get_field(c.field), c.old, related),
                    _shown(meta.get_field(c.field), c.new, related),
                )
                for c in _in_model_order(meta, deltas[id(record)].changes)
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                subject=_subject(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
