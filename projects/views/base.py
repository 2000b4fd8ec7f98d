"""What the lifecycle's form pages share."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..models import Project


def form_page(
    request: HttpRequest,
    *,
    project: Project,
    form: BaseForm,
    title: str,
    save: Callable[[dict], object],
    success: str,
    intro: str = "",
    warning: str = "",
    template: str = "projects/form.html",
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` (a service) and return to the project page.

    A service's refusal (a ValidationError naming the missing condition) becomes the form's error.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, success)
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        template,
        {"project": project, "form": form, "title": title, "intro": intro, "warning": warning},
    )


def posted(request: HttpRequest):
    """The submitted data, or None for a GET. An empty POST (every checkbox left unticked) is
    still a submission, which ``request.POST or None`` would take for a GET."""
    return request.POST if request.method == "POST" else None
