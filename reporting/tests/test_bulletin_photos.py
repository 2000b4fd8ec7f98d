"""The 通报's 重点项目 annex names each key project's latest site photo."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounts.roles import Role
from common.periods import Period
from projects.choices import Level
from projects.services.photos import photo_add
from projects.tests import images
from reporting.bulletin.content import key_project_lines
from reporting.selectors.bulletins import key_projects
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_key_project_annex_names_each_key_projects_latest_photo():
    steward = UserFactory(role=Role.UNIT_HEAD)
    project = ProjectFactory(level=Level.MUNICIPAL, steward=steward)
    ProjectFactory(level=Level.DISTRICT)
    photo_add(project=project, data=images.jpeg(taken=datetime(2022, 9, 28, 10)), actor=steward)
    october = photo_add(
        project=project, data=images.jpeg(taken=datetime(2022, 10, 2, 10), colour="red"), actor=steward
    )
    lines = {line.code: line for line in key_project_lines(key_projects(period=Period(2022, 10)))}
    assert lines[project.code].latest_photo == f"2022-10-02（照片{october.pk}号）"
    assert [line.latest_photo for code, line in lines.items() if code != project.code] == [""]
