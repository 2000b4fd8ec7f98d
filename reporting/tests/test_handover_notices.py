"""A notice at every hand-over of the monthly cycle: to whoever acts next, once per event, linked to
the thing itself, by e-mail too unless the user turned that kind off. The demo's 潮河 October
return is approved by its head; its September return is locked by 1-9月's publication."""

from datetime import date

from django.core import mail
from django.urls import reverse

from accounts.models import User
from common.periods import Period
from reporting.choices import EscalationStatus, NotificationKind
from reporting.models import Escalation, Notification, Submission
from reporting.services.escalations import escalation_record_meeting, escalation_submit_measures
from reporting.services.notifications import email_preferences_save, escalations_published_notify
from reporting.services.publication import period_publish
from reporting.services.submissions import (
    submission_approve,
    submission_return,
    submission_submit,
    submission_unlock,
    submission_verify,
)
from tests.base import DemoTestCase


class HandOverNoticeTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.users = {user.username: user for user in User.objects.all()}
        User.objects.filter(username__in=["chaohe_reporter", "chaohe_head", "reviewer"]).update(
            email="x@example.gov.cn"
        )

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def october(self) -> Submission:
        return Submission.objects.get(unit__name="潮河办事处", year=2022, month=10)

    def notices(self, username: str, kind: NotificationKind) -> list[tuple[str, str, str]]:
        return list(
            Notification.objects.filter(user__username=username, kind=kind)
            .order_by("pk")
            .values_list("title", "body", "link")
        )

    def month_link(self, month: int = 10) -> str:
        return reverse("reporting:month", args=[self.october().unit_id, 2022, month])

    def test_the_whole_loop_of_a_return_notifies_whoever_acts_next(self):
        with self.captureOnCommitCallbacks(execute=True):
            submission_return(submission=self.october(), actor=self.user("reviewer"), reason="本月完成额偏高")
        returned = (
            "潮河办事处2022年10月报送被退回",
            "统计局审核员退回，原因：本月完成额偏高。请修改后重新报送。",
        )
        assert self.notices("chaohe_reporter", NotificationKind.RETURNED) == [(*returned, self.month_link())]
        assert self.notices("chaohe_head", NotificationKind.RETURNED) == [(*returned, self.month_link())]

        submission_submit(submission=self.october(), actor=self.user("chaohe_reporter"))
        assert self.notices("chaohe_head", NotificationKind.SUBMITTED) == [
            ("潮河办事处2022年10月报送待您审批", "潮河填报员已报送，请审批。", self.month_link())
        ]
        assert self.notices("chaohe_reporter", NotificationKind.SUBMITTED) == [], "the head acts next"

        submission_approve(submission=self.october(), actor=self.user("chaohe_head"))
        assert self.notices("reviewer", NotificationKind.APPROVED) == [
            ("潮河办事处2022年10月报送待审核", "单位负责人潮河主任已审批通过，请审核。", self.month_link())
        ]

        submission_verify(submission=self.october(), actor=self.user("reviewer"))
        assert self.notices("chaohe_reporter", NotificationKind.VERIFIED) == [
            ("潮河办事处2022年10月报送已审核", "统计局审核员已审核通过。", self.month_link())
        ]

    def test_an_unlock_tells_the_unit_why(self):
        september = Submission.objects.get(unit__name="潮河办事处", year=2022, month=9)
        submission_unlock(submission=september, actor=self.user("admin"), reason="统计局数据更正")
        assert self.notices("chaohe_reporter", NotificationKind.UNLOCKED) == [
            (
                "潮河办事处2022年9月报送已解锁",
                "经发局管理员解锁，原因：统计局数据更正。修改后请重新报送。",
                self.month_link(9),
            )
        ]

    def test_each_return_is_its_own_event_and_no_event_notifies_twice(self):
        for reason in ("第一次退回", "第二次退回"):
            submission_return(submission=self.october(), actor=self.user("reviewer"), reason=reason)
            submission_submit(submission=self.october(), actor=self.user("chaohe_reporter"))
            submission_approve(submission=self.october(), actor=self.user("chaohe_head"))
        bodies = [body for _, body, _ in self.notices("chaohe_reporter", NotificationKind.RETURNED)]
        assert bodies == [
            "统计局审核员退回，原因：第一次退回。请修改后重新报送。",
            "统计局审核员退回，原因：第二次退回。请修改后重新报送。",
        ]

    def test_a_user_who_turned_off_a_kind_s_e_mail_still_gets_the_notice_in_the_app(self):
        email_preferences_save(
            actor=self.user("chaohe_reporter"),
            email_kinds=[kind for kind in NotificationKind.values if kind != NotificationKind.RETURNED],
        )
        with self.captureOnCommitCallbacks(execute=True):
            submission_return(submission=self.october(), actor=self.user("reviewer"), reason="本月完成额偏高")
        assert len(self.notices("chaohe_reporter", NotificationKind.RETURNED)) == 1
        assert len(mail.outbox) == 1, "only the head, who kept the e-mail"
        assert mail.outbox[0].subject == "潮河办事处2022年10月报送被退回"
        assert mail.outbox[0].body.endswith(f"http://localhost:8000{self.month_link()}")

    def test_the_e_mail_preferences_are_chosen_on_the_notifications_page(self):
        self.client.force_login(self.user("chaohe_reporter"))
        self.client.post(
            reverse("reporting:notifications"),
            {"action": "preferences", "email_kind": ["returned", "verified"]},
        )
        html = self.client.get(reverse("reporting:notifications")).content.decode()
        assert 'value="returned" id="email-returned" checked' in html
        assert 'value="submitted" id="email-submitted">' in html

    def test_the_header_counts_the_unread_notices(self):
        submission_return(submission=self.october(), actor=self.user("reviewer"), reason="本月完成额偏高")
        self.client.force_login(self.user("chaohe_reporter"))
        unread = Notification.objects.filter(user__username="chaohe_reporter", read_at__isnull=True).count()
        html = self.client.get(reverse("home")).content.decode()
        assert f'title="未读通知">{unread}</span>' in html
        self.client.post(reverse("reporting:notifications"), {"action": "read"})
        assert "unread-count" not in self.client.get(reverse("home")).content.decode()

    def test_an_interview_recorded_and_its_closing_are_told_to_the_unit(self):
        escalation = Escalation.objects.get(month=6, unit__name="京航办事处")
        escalation_record_meeting(
            escalation=escalation,
            meeting_date=date(2022, 7, 12),
            interviewer="张副主任",
            minutes="要求加快入库",
        )
        link = reverse("reporting:escalation_detail", args=[escalation.pk])
        assert self.notices("jinghang_head", NotificationKind.ESCALATION_SCHEDULED) == [
            (
                "2022年1-6月约谈已登记：区分管领导约谈相关负责同志",
                "2022年7月12日由张副主任约谈，请填报整改措施。",
                link,
            )
        ]


class EscalationNoticeTests(DemoTestCase):
    """An escalation against a unit is told to the unit when it is published (待约谈, or done with the
    通报 for a step that needs no meeting); the unit's 整改措施 are told to the lead office."""

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def notices(self, username: str, kind: NotificationKind) -> list[tuple[str, str, str]]:
        return list(
            Notification.objects.filter(user__username=username, kind=kind)
            .order_by("pk")
            .values_list("title", "body", "link")
        )

    def jinghang_june(self) -> Escalation:
        return Escalation.objects.get(month=6, unit__name="京航办事处")

    def test_an_escalation_waiting_for_its_meeting_is_told_to_the_unit_once(self):
        escalation = self.jinghang_june()
        Notification.objects.filter(kind=NotificationKind.ESCALATION_PENDING).delete()
        for _ in range(2):
            escalations_published_notify(escalations=[escalation])
        expected = [
            (
                "2022年1-6月本单位列入约谈：区分管领导约谈相关负责同志",
                "办事处固定资产投资增速排名：2022年1-6月末位（连续2期），由区分管领导约谈相关负责同志。"
                "约谈时间由牵头部门安排，约谈后请填报整改措施。",
                reverse("reporting:escalation_detail", args=[escalation.pk]),
            )
        ]
        assert self.notices("jinghang_head", NotificationKind.ESCALATION_PENDING) == expected
        assert self.notices("chaohe_head", NotificationKind.ESCALATION_PENDING) == []

    def test_the_publication_is_told_even_when_the_meeting_was_recorded_before_the_notice_went(self):
        escalation = self.jinghang_june()
        Notification.objects.filter(kind=NotificationKind.ESCALATION_PENDING).delete()
        escalation_record_meeting(
            escalation=escalation,
            meeting_date=date(2022, 7, 12),
            interviewer="张副主任",
            minutes="要求加快入库",
        )
        escalations_published_notify(escalations=[self.jinghang_june()])
        titles = [title for title, _, _ in self.notices("jinghang_head", NotificationKind.ESCALATION_PENDING)]
        assert titles == ["2022年1-6月本单位列入约谈：区分管领导约谈相关负责同志"]

    def test_publishing_tells_the_unit_its_criticism_is_done_with_the_bulletin(self):
        with self.captureOnCommitCallbacks(execute=True):
            period_publish(period=Period(2022, 10), actor=self.user("admin"))
        escalation = Escalation.objects.get(year=2022, month=10, unit__name="祥云办事处")
        assert escalation.status == EscalationStatus.CLOSED
        assert self.notices("xiangyun_head", NotificationKind.ESCALATION_CLOSED) == [
            (
                "2022年1-10月通报批评（随通报发布完成）",
                "办事处固定资产投资增速排名：2022年1-10月末位，予以通报批评；该项无需约谈，随通报发布即已完成。",
                reverse("reporting:escalation_detail", args=[escalation.pk]),
            )
        ]

    def test_rectification_measures_are_told_to_the_lead_office_each_new_text_once(self):
        User.objects.filter(username="admin").update(email="admin@example.gov.cn")
        escalation = self.jinghang_june()
        escalation_record_meeting(
            escalation=escalation,
            meeting_date=date(2022, 7, 12),
            interviewer="张副主任",
            minutes="要求加快入库",
        )
        link = reverse("reporting:escalation_detail", args=[escalation.pk])
        with self.captureOnCommitCallbacks(execute=True):
            for text in ("本月新增入库项目3个", "本月新增入库项目3个", "本月新增入库项目5个"):
                escalation_submit_measures(escalation=escalation, measures=text)
        title = "京航办事处已提交整改措施：2022年1-6月区分管领导约谈相关负责同志"
        notices = self.notices("admin", NotificationKind.MEASURES_SUBMITTED)
        assert [notice for notice in notices if notice[2] == link] == [
            (title, "本月新增入库项目3个", link),
            (title, "本月新增入库项目5个", link),
        ]
        assert [message.to for message in mail.outbox] == [["admin@example.gov.cn"]] * 2
        assert self.notices("jinghang_head", NotificationKind.MEASURES_SUBMITTED) == []

    def test_the_lead_office_may_turn_off_the_e_mail_of_rectification_measures(self):
        User.objects.filter(username="admin").update(email="admin@example.gov.cn")
        email_preferences_save(
            actor=self.user("admin"),
            email_kinds=[
                kind for kind in NotificationKind.values if kind != NotificationKind.MEASURES_SUBMITTED
            ],
        )
        escalation = self.jinghang_june()
        escalation_record_meeting(
            escalation=escalation,
            meeting_date=date(2022, 7, 12),
            interviewer="张副主任",
            minutes="要求加快入库",
        )
        with self.captureOnCommitCallbacks(execute=True):
            escalation_submit_measures(escalation=escalation, measures="本月新增入库项目3个")
        link = reverse("reporting:escalation_detail", args=[escalation.pk])
        assert [n for n in self.notices("admin", NotificationKind.MEASURES_SUBMITTED) if n[2] == link] == [
            ("京航办事处已提交整改措施：2022年1-6月区分管领导约谈相关负责同志", "本月新增入库项目3个", link)
        ]
        assert mail.outbox == []


class NoticeOpenTests(DemoTestCase):
    """Following a notice's link, from the notice list or the header, marks it read."""

    def setUp(self) -> None:
        reviewer = User.objects.get(username="reviewer")
        october = Submission.objects.get(unit__name="潮河办事处", year=2022, month=10)
        submission_return(submission=october, actor=reviewer, reason="本月完成额偏高")
        self.reporter = User.objects.get(username="chaohe_reporter")
        self.notice = Notification.objects.get(user=self.reporter, kind=NotificationKind.RETURNED)
        self.open_url = reverse("reporting:notification_open", args=[self.notice.pk])

    def unread(self) -> int:
        return Notification.objects.filter(user=self.reporter, read_at__isnull=True).count()

    def test_the_notice_list_and_the_header_link_each_notice_through_its_open_address(self):
        self.client.force_login(self.reporter)
        listing = self.client.get(reverse("reporting:notifications")).content.decode()
        assert f'<a href="{self.open_url}">潮河办事处2022年10月报送被退回</a>' in listing
        header = self.client.get(reverse("home")).content.decode()
        assert f'<a class="dropdown-item" href="{self.open_url}">潮河办事处2022年10月报送被退回</a>' in header

    def test_opening_a_notice_marks_it_read_and_leads_to_the_thing(self):
        self.client.force_login(self.reporter)
        before = self.unread()
        assert before >= 1
        html = self.client.get(reverse("home")).content.decode()
        assert f'title="未读通知">{before}</span>' in html
        response = self.client.get(self.open_url)
        assert response.status_code == 302
        assert response.url == self.notice.link
        self.notice.refresh_from_db()
        assert self.notice.read_at is not None
        assert self.unread() == before - 1
        html = self.client.get(reverse("home")).content.decode()
        if before > 1:
            assert f'title="未读通知">{before - 1}</span>' in html
        else:
            assert "unread-count" not in html

    def test_opening_it_again_keeps_the_time_it_was_first_read(self):
        self.client.force_login(self.reporter)
        self.client.get(self.open_url)
        self.notice.refresh_from_db()
        first = self.notice.read_at
        self.client.get(self.open_url)
        self.notice.refresh_from_db()
        assert self.notice.read_at == first

    def test_nobody_opens_another_user_s_notice(self):
        for username in ("chaohe_head", "minghu_reporter", "admin", "leader"):
            self.client.force_login(User.objects.get(username=username))
            assert self.client.get(self.open_url).status_code == 404
            assert self.client.post(self.open_url).status_code == 404
        self.notice.refresh_from_db()
        assert self.notice.read_at is None

    def test_a_notice_whose_link_leaves_the_site_opens_the_notice_list(self):
        Notification.objects.filter(pk=self.notice.pk).update(link="https://example.com/")
        self.client.force_login(self.reporter)
        assert self.client.get(self.open_url).url == reverse("reporting:notifications")

    def test_the_header_counts_every_unread_notice_but_lists_the_newest_five(self):
        Notification.objects.bulk_create(
            Notification(user=self.reporter, key=f"test:{n}", title=f"测试通知{n}") for n in range(8)
        )
        self.client.force_login(self.reporter)
        html = self.client.get(reverse("home")).content.decode()
        assert f'title="未读通知">{self.unread()}</span>' in html
        assert html.count('/open/">测试通知') == 5
        assert '/open/">测试通知7</a>' in html and '/open/">测试通知2</a>' not in html
