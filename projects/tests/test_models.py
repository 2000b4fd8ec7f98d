from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.models import Project
from tests.factories import ProjectFactory, ProjectReportFactory

pytestmark = pytest.mark.django_db


def test_a_project_code_is_unique():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(code=project.code)


def test_a_project_has_one_report_per_month():
    report = ProjectReportFactory(month=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectReportFactory(project=report.project, month=3)
    ProjectReportFactory(project=report.project, month=4)
    assert report.project.reports.count() == 2


def test_a_monthly_report_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectReportFactory(amount=Decimal("-0.01"))


def test_a_monthly_report_month_is_a_calendar_month():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectReportFactory(month=13)


def test_a_registered_project_needs_its_registration_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(is_registered=True, registered_on=None)
    project = ProjectFactory(is_registered=True, registered_on=date(2022, 3, 1))
    assert Project.objects.get(pk=project.pk).is_registered


def test_a_project_of_one_yi_or_more_is_large():
    assert ProjectFactory.build(total_investment=Decimal("10000")).is_large
    assert not ProjectFactory.build(total_investment=Decimal("9999.99")).is_large


def test_every_change_to_a_report_is_kept_with_old_and_new_values():
    report = ProjectReportFactory(amount=Decimal("100"))
    report.amount = Decimal("250")
    report.save()
    amounts = list(report.history.order_by("history_date").values_list("amount", flat=True))
    assert amounts == [Decimal("100"), Decimal("250")]
