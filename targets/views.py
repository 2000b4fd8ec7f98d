from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import plan_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "targets/home.html", {"overview": plan_overview()})
