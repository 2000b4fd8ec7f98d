import pytest
from django.urls import reverse

from demo.constants import DEMO_PASSWORD, DEMO_USERS
from tests.base import DemoTestCase


@pytest.mark.django_db
def test_the_home_page_asks_for_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_and_served_without_a_cdn(client):
    html = client.get(reverse("login")).content.decode()
    assert "用户登录" in html
    assert 'lang="zh-Hans"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


class DemoLoginTests(DemoTestCase):
    def test_every_demo_user_can_log_in_and_see_the_home_page(self):
        for demo_user in DEMO_USERS:
            with self.subTest(demo_user.username):
                response = self.client.post(
                    reverse("login"), {"username": demo_user.username, "password": DEMO_PASSWORD}
                )
                assert response.status_code == 302
                html = self.client.get(reverse("home")).content.decode()
                if demo_user.username == "leader":
                    assert "领导驾驶舱 · 2022年1-10月" in html, "the leader's home is the cockpit"
                else:
                    assert "待办事项" in html
                    assert "2022年固定资产投资目标" in html
                    assert "5,370,000" in html
                assert demo_user.role.label in html
                self.client.post(reverse("logout"))

    def test_a_wrong_password_is_refused_in_chinese(self):
        response = self.client.post(reverse("login"), {"username": "admin", "password": "wrong-password"})
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()

    def test_logout_ends_the_session(self):
        self.client.post(reverse("login"), {"username": "leader", "password": DEMO_PASSWORD})
        self.client.post(reverse("logout"))
        assert self.client.get(reverse("home")).status_code == 302


class HomePageTests(DemoTestCase):
    def test_the_home_page_leads_a_leader_to_the_cockpit_but_not_a_reporter(self):
        from accounts.models import User

        self.client.force_login(User.objects.get(username="leader"))
        assert reverse("reporting:cockpit") in self.client.get(reverse("home")).content.decode()
        self.client.force_login(User.objects.get(username="minghu_reporter"))
        assert reverse("reporting:cockpit") not in self.client.get(reverse("home")).content.decode()
