"""Pages for rankings, escalations and assessments. Views declare and call services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import (
    authenticated_view,
    can_edit_unit,
    check_unit_read,
    roles_required,
    unit_member_view,
)
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import audited
from common import clock
from common.lists import ListPage, query_without_placing
from common.params import MAX_PER_PAGE, year_param
from common.periods import Period
from common.tasks import TaskQueueUnavailable, task_enqueue

from ..choices import EscalationStatus, NotificationKind
from ..filtersets import AssessmentRowFilterSet, EscalationFilterSet
from ..forms_rankings import CloseForm, MeasuresForm, MeetingForm, PeriodForm
from ..freeze import period_is_published
from ..models import Assessment, Notification
from ..selectors.assessments import (
    YearAssessments,
    award_places,
    visible_assessment_rows,
    visible_year_assessments,
)
from ..selectors.rankings import (
    active_schemes,
    can_see_drafts,
    latest_period,
    period_runs,
    visible_escalations,
)
from ..selectors.readiness import period_readiness, unconfirmed
from ..services import escalations as escalation_services
from ..services.assessments import AssessmentError, assessment_publish
from ..services.notifications import (
    email_preferences,
    email_preferences_save,
    notification_open,
    notifications_mark_read,
)
from ..services.publication import period_publish_refusal
from ..services.rankings import (
    RankingError,
    period_rank,
)
from ..tables_rankings import (
    AssessmentRowTable,
    AwardPlaceTable,
    EscalationTable,
    RankingRowTable,
    ReadinessTable,
)
from ..tasks import publish_period


def _period_from(request: HttpRequest) -> Period | None:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["period"]
    return latest_period()


@unit_member_view
def ranking_list(request: HttpRequest) -> HttpResponse:
    period = _period_from(request)
    runs = period_runs(period=period, actor=request.user) if period else []
    can_manage = request.user.has_role(Role.ADMIN) or request.user.superuser_bypass
    published = period is not None and period_is_published(period)
    readiness = (
        period_readiness(period=period, schemes=list(active_schemes()))
        if can_manage and period and not published
        else None
    )
    return render(
        request,
        "reporting/rankings.html",
        {
            "period": period,
            "runs": [(run, RankingRowTable(run)) for run in runs],
            "can_manage": can_manage and not published,
            "published": published,
            "readiness": readiness,
            "readiness_table": ReadinessTable(readiness.rows) if readiness else None,
            "shows_drafts": can_see_drafts(request.user),
        },
    )


@require_POST
@roles_required(Role.ADMIN)
def ranking_compute_view(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("period", ["统计期无效"])))
        return redirect("reporting:rankings")
    period = form.cleaned_data["period"]
    if period_is_published(period):
        messages.error(request, f"{period.label}已发布，排名、约谈和通报不再改变，不能重新计算。")
        return redirect(f"{reverse('reporting:rankings')}?period={period}")
    try:
        ranking = period_rank(period=period)
    except RankingError as error:
        messages.error(request, str(error))
    else:
        for skipped in ranking.skipped:
            messages.warning(request, skipped.notice)
        if ranking.runs:
            messages.success(request, f"已计算{period.label}排名草稿及拟约谈单位。")
    return redirect(f"{reverse('reporting:rankings')}?period={period}")


@require_POST
@roles_required(Role.ADMIN)
def ranking_publish_view(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("period", ["统计期无效"])))
        return redirect("reporting:rankings")
    period = form.cleaned_data["period"]
    refusal = period_publish_refusal(period=period)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(f"{reverse('reporting:rankings')}?period={period}")
    confirmed = {int(value) for value in request.POST.getlist("confirm_unit") if value.isdigit()}
    missing = unconfirmed(period_readiness(period=period, schemes=list(active_schemes())), confirmed)
    if missing:
        messages.error(
            request,
            "发布前请逐一确认以下单位的情况：" + "；".join(row.summary for row in missing),
        )
        return redirect(f"{reverse('reporting:rankings')}?period={period}")
    # Publishing also writes the bulletin: it runs as a job. This request has written nothing, so
    # with the broker down nothing has started and the admin is told so.
    try:
        task_enqueue(publish_period, period.year, period.month, request.user.pk)
    except TaskQueueUnavailable as error:
        messages.error(request, f"{period.label}排名未能提交发布：{error}")
        return redirect(f"{reverse('reporting:rankings')}?period={period}")
    messages.success(request, f"{period.label}排名已提交发布；发布后排名和约谈将冻结，该期报送锁定。")
    return redirect(f"{reverse('reporting:rankings')}?period={period}")


class EscalationList(ListPage):
    """约谈及整改: the escalations of the user's units (proposals only for the lead office's readers)."""

    template_name = "reporting/escalations.html"
    filterset_class = EscalationFilterSet
    table_class = EscalationTable
    title = "约谈及整改"

    def queryset(self, request):
        return visible_escalations(actor=request.user)


ESCALATION_LIST = EscalationList()


@unit_member_view
def escalation_list(request: HttpRequest) -> HttpResponse:
    return ESCALATION_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def escalation_export(request: HttpRequest) -> HttpResponse:
    return ESCALATION_LIST.export(request)


@unit_member_view
def escalation_detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    escalation = get_object_or_404(
        visible_escalations(actor=request.user, include_withdrawn=True), pk=escalation_id
    )
    check_unit_read(request.user, escalation.unit)
    is_admin = request.user.has_role(Role.ADMIN) or request.user.superuser_bypass
    can_answer = can_edit_unit(request.user, escalation.unit)
    forms = {
        "meeting": MeetingForm(prefix="meeting"),
        "measures": MeasuresForm(prefix="measures", initial={"measures": escalation.measures}),
        "close": CloseForm(prefix="close", initial={"closed_on": clock.today()}),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if (
            action not in forms
            or (action == "measures" and not can_answer)
            or (action != "measures" and not is_admin)
        ):
            raise PermissionDenied("您无权执行此操作。")
        forms[action] = type(forms[action])(request.POST, prefix=action)
        if forms[action].is_valid():
            service = {
                "meeting": escalation_services.escalation_record_meeting,
                "measures": escalation_services.escalation_submit_measures,
                "close": escalation_services.escalation_close,
            }[action]
            try:
                service(escalation=escalation, **forms[action].cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    forms[action].add_error(None, error)  # a date refused: shown beside its field
                else:
                    messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "已保存。")
                return redirect("reporting:escalation_detail", escalation_id=escalation.pk)
    if escalation.status == EscalationStatus.PROPOSED and not can_see_drafts(request.user):
        raise Http404
    history = visible_escalations(actor=request.user).filter(unit=escalation.unit, scheme=escalation.scheme)
    return render(
        request,
        "reporting/escalation_detail.html",
        {
            "escalation": escalation,
            "forms": forms,
            "is_admin": is_admin,
            "can_answer": can_answer,
            "history": history,
        },
    )


def assessment_year(request) -> int:
    """The year the 考评 page shows (``?year=``, else the latest statistical period's), read once."""
    if not hasattr(request, "assessment_year"):
        year = year_param(request, default=clock.today().year)
        if not request.GET.get("year") and (period := latest_period()):
            year = period.year
        request.assessment_year = year
    return request.assessment_year


def year_assessments(request) -> YearAssessments:
    """The year's assessments and awards the user may see, read once."""
    if not hasattr(request, "year_assessments"):
        request.year_assessments = visible_year_assessments(year=assessment_year(request), actor=request.user)
    return request.year_assessments


class AssessmentList(ListPage):
    """考评: every row of the year's assessments the user may see, the year's awards above them."""

    template_name = "reporting/assessments.html"
    filterset_class = AssessmentRowFilterSet
    table_class = AssessmentRowTable
    per_page = MAX_PER_PAGE

    def queryset(self, request):
        return visible_assessment_rows(year=assessment_year(request), actor=request.user)

    def filterset(self, request):
        return self.filterset_class(
            request.GET,
            queryset=self.queryset(request),
            request=request,
            assessments=year_assessments(request).assessments,
        )

    def table_kwargs(self, request) -> dict[str, object]:
        year = assessment_year(request)
        if can_see_drafts(request.user):
            empty = (
                f"{year}年尚无考评结果。季度考评在季末统计期（1-3月、1-6月、1-9月、1-12月）的排名发布时生成，"
                "年度总评和奖项在1-12月排名发布时生成。"
            )
        else:
            empty = f"{year}年尚无已发布的考评结果。"
        return {"empty_text": empty}

    def extra_context(self, request, filterset, table) -> dict:
        year = assessment_year(request)
        shown = year_assessments(request)
        can_publish = request.user.has_role(Role.ADMIN) or request.user.is_superuser
        # The file is of the year the page shows, also once a later period is published.
        query = query_without_placing(request.GET)
        query["year"] = str(year)
        return {
            "year": year,
            "awards": AwardPlaceTable(award_places(shown.award_tables)) if shown.award_tables else None,
            "awards_published": shown.awards_published,
            "unpublished": [a for a in shown.assessments if not a.is_published] if can_publish else [],
            "keep": [("year", year)],
            "export_query": query.urlencode(),
        }

    def export_title(self, request) -> str:
        return f"{assessment_year(request)}年考评结果"


ASSESSMENT_LIST = AssessmentList()


@unit_member_view
def assessment_list(request: HttpRequest) -> HttpResponse:
    return ASSESSMENT_LIST.page(request)


@unit_member_view
@audited(AuditAction.EXPORT)
def assessment_export(request: HttpRequest) -> HttpResponse:
    return ASSESSMENT_LIST.export(request)


@require_POST
@roles_required(Role.ADMIN)
def assessment_publish_view(request: HttpRequest) -> HttpResponse:
    try:
        assessment_id = int(request.POST.get("assessment", ""))
    except ValueError:
        raise Http404 from None
    assessment = get_object_or_404(Assessment, pk=assessment_id)
    try:
        published = assessment_publish(assessment=assessment)
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        if published:
            messages.success(request, f"已发布{assessment.title}（{assessment.group}），各单位可见。")
        else:
            messages.info(request, f"{assessment.title}（{assessment.group}）此前已发布。")
    return redirect(f"{reverse('reporting:assessments')}?year={assessment.year}")


@authenticated_view
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notice's link, marking it read; a user opens only their own notices."""
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    return redirect(notification_open(notification=notification))


@authenticated_view
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).select_related("unit")[:100]
    if request.method == "POST":
        if request.POST.get("action") == "preferences":
            email_preferences_save(actor=request.user, email_kinds=request.POST.getlist("email_kind"))
            messages.success(request, "邮件设置已保存。")
        else:
            notifications_mark_read(actor=request.user)
        return redirect("reporting:notifications")
    chosen = email_preferences(actor=request.user)
    preferences = [(kind, label, chosen[kind]) for kind, label in NotificationKind.choices]
    return render(
        request, "reporting/notifications.html", {"notifications": notifications, "preferences": preferences}
    )
