"""The 通报's notes say how each scheme actually ranked: where its figures come from, what 未报送
meant for whom, and which ladder applied. In the demo's October, 明湖, 前程 and 祥云 sent no return
of their own, but the statistics bureau has a figure for every unit."""

import io

from openpyxl import load_workbook

from common.periods import Period
from common.spreadsheets import workbook_response_bytes
from reporting.models import OfficialFigure
from reporting.services.bulletins import bulletin_content, bulletin_workbook
from reporting.services.rankings import period_rank
from tests.base import DemoTestCase

OCTOBER = Period(2022, 10)


class BulletinNoteTests(DemoTestCase):
    def group(self, name: str):
        return next(group for group in bulletin_content(period=OCTOBER).groups if group.group == name)

    def test_a_unit_without_a_return_but_with_an_official_figure_ranks_on_it(self):
        group = self.group("办事处")
        assert sorted(group.ranked_unreturned) == sorted(["明湖办事处", "前程办事处", "祥云办事处"])
        assert group.without_figure == ()
        assert "视同倒数第一" not in group.ranking_notes
        assert group.ranking_notes.startswith("排名依据增速，数据采用统计局数据；")
        assert "未报送月报，按统计局数据正常排名" in group.ranking_notes
        assert group.ranking_notes.endswith("倒数第一的单位按「末位增速约谈制」处理。")

    def test_a_unit_with_no_figure_is_said_to_hold_the_last_place(self):
        OfficialFigure.objects.filter(unit__name="前程办事处", year=2022, month=10).delete()
        period_rank(period=OCTOBER)
        group = self.group("办事处")
        assert group.without_figure == ("前程办事处",)
        assert "前程办事处无统计局数据，视同倒数第一" in group.ranking_notes
        assert "前程办事处" not in group.ranked_unreturned

    def test_the_workbook_s_note_is_the_scheme_s_own(self):
        sheet = load_workbook(io.BytesIO(workbook_response_bytes(bulletin_workbook(period=OCTOBER))))[
            "办事处"
        ]
        notes = [
            row[0]
            for row in sheet.iter_rows(values_only=True)
            if isinstance(row[0], str) and row[0].startswith("注：")
        ]
        assert len(notes) == 1
        content = bulletin_content(period=OCTOBER)
        group = next(group for group in content.groups if group.group == "办事处")
        # The note ends with why the 办事处's 合计 differs from the 局办's (issue 17).
        assert notes[0] == (
            f"注：{group.ranking_notes}时序进度为2022年1-10月占全年的比例。{content.total_explanation(group)}"
        )
        assert "未报送的单位排在最后" not in notes[0]
