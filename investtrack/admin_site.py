"""The admin site: every model's admin is read-only for frozen records (reporting.freeze) and
audits every change with the values before and after (等保2.0 安全审计)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict

from audit.models import AuditAction
from audit.services import changes_record
from reporting.freeze import frozen_reason


def _values(obj) -> dict:
    return {name: value for name, value in model_to_dict(obj).items() if not isinstance(value, list)}


def _diff(before: dict | None, after: dict | None) -> list[dict]:
    names = sorted(set(before or {}) | set(after or {}))
    return [
        {"field": name, "before": (before or {}).get(name), "after": (after or {}).get(name)}
        for name in names
        if (before or {}).get(name) != (after or {}).get(name)
    ]


class FreezingAuditedAdmin:
    """Mixed into every ModelAdmin the site registers."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or frozen_reason(obj) is None)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or frozen_reason(obj) is None)

    def _refuse_frozen(self, obj) -> None:
        reason = frozen_reason(obj)
        if reason:
            raise PermissionDenied(f"{obj._meta.verbose_name}「{obj}」{reason}。")

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk is not None:
            original = type(obj)._default_manager.filter(pk=obj.pk).first()
            if original is not None:
                # A change list's inline editing reaches here without the change form's check.
                self._refuse_frozen(original)
                before = _values(original)
        super().save_model(request, obj, form, change)
        changes_record(
            action=AuditAction.ADMIN_CHANGE,
            obj=obj,
            actor=request.user,
            changes=_diff(before, _values(obj)),
            detail={"admin": "change" if change else "add", "model": obj._meta.label},
        )

    def delete_model(self, request, obj):
        self._refuse_frozen(obj)
        before = _values(obj)
        super().delete_model(request, obj)
        changes_record(
            action=AuditAction.ADMIN_CHANGE,
            obj=obj,
            actor=request.user,
            changes=_diff(before, None),
            detail={"admin": "delete", "model": obj._meta.label},
        )

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            self._refuse_frozen(obj)
        super().delete_queryset(request, queryset)
        for obj in objects:
            changes_record(
                action=AuditAction.ADMIN_CHANGE,
                obj=obj,
                actor=request.user,
                changes=_diff(_values(obj), None),
                detail={"admin": "delete", "model": obj._meta.label},
            )

    def save_formset(self, request, form, formset, change):
        """Inline rows: each changed, added or deleted one is audited like a record of its own."""
        model = formset.model
        befores = {
            inline.instance.pk: _values(model._default_manager.get(pk=inline.instance.pk))
            for inline in formset.initial_forms
            if inline.instance.pk is not None and (inline.has_changed() or inline in formset.deleted_forms)
        }
        super().save_formset(request, form, formset, change)
        for obj in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            changes_record(
                action=AuditAction.ADMIN_CHANGE,
                obj=obj,
                actor=request.user,
                changes=_diff(befores.get(obj.pk), _values(obj)),
                detail={"admin": "inline", "model": obj._meta.label},
            )
        for obj in formset.deleted_objects:
            changes_record(
                action=AuditAction.ADMIN_CHANGE,
                obj=obj,
                actor=request.user,
                changes=_diff(befores.get(obj.pk), None),
                detail={"admin": "inline delete", "model": obj._meta.label},
            )


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FreezingAuditedAdmin):
            admin_class = type(admin_class.__name__, (FreezingAuditedAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)
