"""项目管家 on a phone: their projects, one project's card, and the records sent from it.

Every record is POSTed by the page's outbox (static/stewards/outbox.js) with an idempotency key and
answered in JSON; without the script the same forms post normally and come back to the card.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import public_view, unit_member_view
from common import clock
from projects.access import (
    can_record_on_site,
    can_see_photo_location,
    check_project_read,
    check_site_record,
    is_steward,
)
from projects.forms import PhotoForm, ProblemCloseForm, ProblemForm
from projects.models import Problem, Project
from projects.photos import upload_read, upload_refusal
from projects.selectors.warnings import project_detail
from projects.services.photos import photo_add
from projects.services.problems import problem_close, problem_create
from projects.views.photos import limited_photo_upload
from reporting.selectors.monthly import unit_submission
from reporting.selectors.periods import open_reporting_month
from reporting.services.submissions import SubmissionError

from .forms import MonthRecordForm
from .selectors import card_photos, card_problems, steward_cards
from .services import AmountNeedsConfirmation, Received, outbox_receive, site_month_record

KEY_HEADER = "X-Idempotency-Key"
# What the service worker keeps for the steward's pages to open without signal.
SERVICE_WORKER_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "css/investtrack.css",
    "stewards/steward.css",
    "stewards/outbox.js",
    "stewards/icons/steward-192.png",
    "favicon.svg",
)


@unit_member_view
def home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    month = open_reporting_month(today=today)
    projects = list(steward_cards(steward=request.user, on=today, year=month.year, month=month.month))
    return render(
        request,
        "stewards/home.html",
        {
            "projects": projects,
            "month": month,
            "today": today,
            "unreported": sum(1 for project in projects if project.month_report_version is None),
        },
    )


@unit_member_view
def project_card(request: HttpRequest, project_id: int) -> HttpResponse:
    today = clock.today()
    project = get_object_or_404(project_detail(projects=Project.objects.all(), on=today), pk=project_id)
    check_project_read(request.user, project)
    month = open_reporting_month(today=today, unit=project.reporting_unit)
    report = project.reports.filter(year=month.year, month=month.month).first()
    record_form = MonthRecordForm(
        initial={
            "year": month.year,
            "month": month.month,
            "version": report.version if report else None,
            "amount": report.amount if report else None,
            "progress": report.progress if report else "",
            "problems": report.problems if report else "",
        }
    )
    return render(
        request,
        "stewards/project.html",
        {
            "project": project,
            "month": month,
            "report": report,
            "submission": unit_submission(unit=project.reporting_unit_id, year=month.year, month=month.month),
            "is_steward": is_steward(request.user, project),
            "can_record": can_record_on_site(request.user, project),
            "can_see_location": can_see_photo_location(request.user, project),
            "record_form": record_form,
            "photo_form": PhotoForm(),
            "problem_form": ProblemForm(initial={"owner_unit": project.responsible_unit_id}),
            "close_form": ProblemCloseForm(),
            "problems": card_problems(project=project, on=today),
            "photos": card_photos(project=project),
        },
    )


def _key(request: HttpRequest) -> uuid.UUID | None:
    raw = request.headers.get(KEY_HEADER)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError("发送编号无效，请刷新页面后重新填写。") from None


def _answer(
    request: HttpRequest,
    project: Project,
    *,
    received: Received | None = None,
    error: str = "",
    status: int = 200,
    needs_confirmation: bool = False,
) -> HttpResponse:
    """JSON for the outbox; for a plain form post, a message and back to the card."""
    if request.headers.get(KEY_HEADER) is not None or "application/json" in request.headers.get("Accept", ""):
        if received is None:
            return JsonResponse(
                {"ok": False, "message": error, "needs_confirmation": needs_confirmation}, status=status
            )
        return JsonResponse(
            {
                "ok": True,
                "message": received.message,
                "duplicate": received.duplicate,
                "id": received.object_id,
                "version": received.version,
            }
        )
    if received is None:
        messages.error(request, error)
    else:
        messages.success(request, received.message)
    return redirect("stewards:project", project_id=project.pk)


def _errors(form) -> str:
    """A form's errors as one line, each named by its field's label."""
    return "；".join(
        (f"{form.fields[name].label}：" if name in form.fields else "") + " ".join(errors)
        for name, errors in form.errors.items()
    )


def _receive(request: HttpRequest, project: Project, *, action: str, apply) -> HttpResponse:
    """Run one sent record through its receipt and answer it; a refusal is kept by the phone."""
    try:
        received = outbox_receive(actor=request.user, key=_key(request), action=action, apply=apply)
    except AmountNeedsConfirmation as unusual:
        return _answer(request, project, error=str(unusual), status=422, needs_confirmation=True)
    except SubmissionError as refused:
        return _answer(request, project, error=str(refused), status=409)
    except ValidationError as refused:
        return _answer(request, project, error="；".join(refused.messages), status=400)
    return _answer(request, project, received=received)


def _project_for_record(request: HttpRequest, project_id: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("reporting_unit"), pk=project_id)
    check_site_record(request.user, project)
    return project


@unit_member_view
@require_POST
def record_month(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_record(request, project_id)
    form = MonthRecordForm(request.POST)
    if not form.is_valid():
        return _answer(request, project, error=_errors(form), status=400)
    data = form.cleaned_data

    def apply() -> Received:
        report = site_month_record(
            project=project,
            year=data["year"],
            month=data["month"],
            amount=data["amount"],
            progress=data["progress"],
            problems=data["problems"],
            version=data["version"],
            confirmed_amount=data["amount"] if data["confirm_amount"] else None,
            actor=request.user,
        )
        return Received(
            message=f"{project.name} {data['year']}年{data['month']}月形象进度已保存",
            object_id=report.pk,
            version=report.version,
        )

    return _receive(request, project, action="month", apply=apply)


@unit_member_view
@require_POST
@limited_photo_upload
def add_photo(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_record(request, project_id)
    if upload_refusal(request):
        return _answer(request, project, error=upload_refusal(request), status=400)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer(request, project, error=_errors(form), status=400)
    data = form.cleaned_data

    def apply() -> Received:
        photo = photo_add(
            project=project,
            data=upload_read(data["photo"]),
            actor=request.user,
            caption=data["caption"],
            evidence_kind=data["evidence_kind"],
        )
        taken = (
            f"拍摄于{timezone.localtime(photo.taken_at):%Y-%m-%d %H:%M}" if photo.taken_at else "无拍摄时间"
        )
        return Received(message=f"{project.name} 照片已上传（{taken}）", object_id=photo.pk)

    return _receive(request, project, action="photo", apply=apply)


@unit_member_view
@require_POST
def add_problem(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_record(request, project_id)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _answer(request, project, error=_errors(form), status=400)
    data = form.cleaned_data

    def apply() -> Received:
        problem = problem_create(
            project=project,
            category=data["category"],
            description=data["description"],
            owner_unit=data["owner_unit"],
            deadline=data["deadline"],
            actor=request.user,
        )
        return Received(message=f"{project.name} 问题已登记", object_id=problem.pk)

    return _receive(request, project, action="problem", apply=apply)


@unit_member_view
@require_POST
def close_problem(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.select_related("project"), pk=problem_id)
    project = problem.project
    check_site_record(request.user, project)
    form = ProblemCloseForm(request.POST)
    if not form.is_valid():
        return _answer(request, project, error=_errors(form), status=400)
    data = form.cleaned_data

    def apply() -> Received:
        problem_close(
            problem=problem, resolution=data["resolution"], closed_on=data["closed_on"], actor=request.user
        )
        return Received(message=f"{project.name} 问题已销号", object_id=problem.pk)

    return _receive(request, project, action="problem_close", apply=apply)


@public_view
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the steward's page can be added to a phone's home screen."""
    icons = [
        {"src": static(f"stewards/icons/steward-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    body = {
        "name": "项目管家",
        "short_name": "项目管家",
        "description": "重点项目现场填报：形象进度、现场照片、问题台账",
        "lang": "zh-CN",
        "start_url": "/stewards/",
        "scope": "/stewards/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [*icons, {**icons[-1], "purpose": "maskable"}],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


@public_view
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /stewards/ so that it may keep the steward's pages: it opens
    them without signal (the records themselves wait in the page's outbox, not here)."""
    # The static files' names change with their content in production: so does the worker, and with
    # it the name of its cache, which makes phones fetch the new assets.
    assets = [static(name) for name in SERVICE_WORKER_ASSETS]
    version = hashlib.sha256("".join(assets).encode()).hexdigest()[:12]
    response = HttpResponse(
        render_to_string(
            "stewards/sw.js", {"version": version, "assets": json.dumps(assets)}, request=request
        ),
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response
