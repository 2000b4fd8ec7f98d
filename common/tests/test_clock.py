"""One clock: every page, job, command and export asks ``common.clock`` what day it is."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import clock
from tests.base import DemoTestCase


@pytest.mark.django_db
def test_without_a_fixed_date_today_is_the_real_local_date():
    assert clock.today() == timezone.localdate()


@pytest.mark.django_db
def test_a_fixed_date_is_today_until_the_real_date_is_restored():
    clock.clock_set(on=date(2023, 3, 8))
    assert clock.today() == date(2023, 3, 8)
    clock.clock_set(on=None)
    assert clock.today() == timezone.localdate()


@pytest.mark.django_db
def test_a_past_period_is_judged_as_of_its_own_end_and_a_running_one_as_of_today():
    clock.clock_set(on=date(2022, 11, 9))
    assert clock.as_of(date(2022, 6, 5)) == date(2022, 6, 5)
    assert clock.as_of(date(2022, 12, 5)) == date(2022, 11, 9)


@pytest.mark.django_db
def test_the_clock_command_sets_shows_and_clears_the_business_date():
    out = StringIO()
    call_command("clock", "--set", "2023-03-08", stdout=out)
    assert "2023-03-08（固定日期）" in out.getvalue()
    assert clock.today() == date(2023, 3, 8)
    out = StringIO()
    call_command("clock", "--real", stdout=out)
    assert f"{timezone.localdate():%Y-%m-%d}（真实日期）" in out.getvalue()


class DemoClockTests(DemoTestCase):
    """The demo stands on its data's day, 9 November 2022, not on the day someone opens it."""

    def test_the_demo_sets_the_clock_to_its_data_date(self):
        assert clock.today() == date(2022, 11, 9)

    def test_a_page_reads_the_clock_once_however_often_it_asks(self):
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("reporting:my_unit"))
        clock_reads = [query for query in queries if "common_clocksetting" in query["sql"]]
        assert len(clock_reads) == 1

    def test_the_header_says_the_business_date_when_it_is_fixed(self):
        self.client.force_login(User.objects.get(username="leader"))
        html = self.client.get(reverse("reporting:cockpit")).content.decode()
        assert "业务日期 2022年11月9日" in html

    def test_the_reporter_counts_days_from_the_demo_date_not_from_the_real_one(self):
        # 明湖 has not sent October, due 5 November: on 9 November that is 4 days overdue.
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        html = self.client.get(reverse("reporting:my_unit")).content.decode()
        assert "2022年10月月报" in html
        assert "已过截止日 4 天" in html

    def test_a_sent_return_shows_when_it_went_instead_of_counting_days(self):
        # 潮河's October is approved (sent on time); September is locked with the 1-9月 bulletin.
        self.client.force_login(User.objects.get(username="chaohe_reporter"))
        html = self.client.get(reverse("reporting:my_unit") + "?month=2022-09").content.decode()
        assert "已过截止日" not in html and "还剩" not in html
        assert "已按时报送" in html

    def test_the_cockpit_judges_a_past_period_as_of_its_deadline(self):
        # 1-5月's returns were due on 5 June 2022.
        self.client.force_login(User.objects.get(username="leader"))
        html = self.client.get(reverse("reporting:cockpit") + "?period=2022-05").content.decode()
        assert "截至2022年6月5日" in html
