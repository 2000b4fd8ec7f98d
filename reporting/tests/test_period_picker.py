"""One period picker: every page that picks a period does it with the same widget, a month input
named for the page's parameter, a label and 查看 on one line (templates/reporting/_period_picker.html)."""

from django.urls import reverse
from lxml import html as lxml_html

from accounts.models import User
from targets.models import Unit
from tests.base import DemoTestCase


class OnePeriodPickerTests(DemoTestCase):
    def picker(self, username: str, url: str):
        self.client.force_login(User.objects.get(username=username))
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = lxml_html.fromstring(response.content.decode())
        pickers = page.xpath("//form[contains(@class, 'period-picker')]")
        assert len(pickers) == 1, url
        assert not page.xpath("//select[@name='period' or @name='month']"), f"{url}: no other picker"
        (picker,) = pickers
        (field,) = picker.xpath(".//input[@type='month']")
        assert len(picker.xpath(".//button[@type='submit']")) == 1
        return field

    def test_every_page_that_picks_a_period_uses_the_month_picker(self):
        minghu = Unit.objects.get(name="明湖办事处")
        pages = {
            ("leader", reverse("reporting:cockpit")): ("period", "2022-10"),
            ("leader", reverse("reporting:rankings") + "?period=2022-10"): ("period", "2022-10"),
            ("leader", reverse("reporting:unit", args=[minghu.pk]) + "?period=2022-05"): (
                "period",
                "2022-05",
            ),
            ("leader", reverse("reporting:figures", args=[2022, 5])): ("period", "2022-05"),
            ("admin", reverse("reporting:bulletins") + "?period=2022-10"): ("period", "2022-10"),
            ("admin", reverse("reporting:submissions") + "?month=2022-10"): ("month", "2022-10"),
            ("admin", reverse("reporting:forecasts") + "?month=2022-10"): ("month", "2022-10"),
            ("minghu_reporter", reverse("reporting:my_unit") + "?month=2022-10"): ("month", "2022-10"),
            ("leader", reverse("projects:intake") + "?month=2022-10"): ("month", "2022-10"),
        }
        for (username, url), (name, value) in pages.items():
            field = self.picker(username, url)
            assert (field.get("name"), field.get("value")) == (name, value), url

    def test_the_cockpit_offers_the_months_it_has_rankings_for(self):
        field = self.picker("leader", reverse("reporting:cockpit"))
        assert (field.get("min"), field.get("max")) == ("2022-02", "2022-10")

    def test_the_figures_page_goes_to_the_period_picked(self):
        self.client.force_login(User.objects.get(username="leader"))
        response = self.client.get(reverse("reporting:figures", args=[2022, 5]) + "?period=2022-08")
        assert response.status_code == 302
        assert response["Location"] == reverse("reporting:figures", args=[2022, 8])
