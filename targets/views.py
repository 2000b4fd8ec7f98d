from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import unit_member_view

from .selectors import plan_overview


@unit_member_view
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "targets/home.html", {"overview": plan_overview()})
