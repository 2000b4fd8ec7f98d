"""The demo projects' life after 入库: milestones, exits and change requests, and their site photos."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from django.contrib.auth.models import Group
from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD, Base
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.roles import Role
from projects.choices import EvidenceKind, ExitReason, Level, MilestoneKind, Stage
from projects.models import PROCEDURES, ExitRequest, Milestone, Project, SitePhoto
from projects.services.photos import photo_add
from targets.models import Unit

from .constants import DEMO_PASSWORD, DEMO_YEAR, LAST_REPORTED_MONTH


def load_lifecycle(rng: random.Random, units: dict[str, Unit]) -> None:
    """Stewards (with a 单位负责人 login per unit), procedures checklists and the 签约/开工/竣工/达效
    milestones of the demo projects, and one pending 退库 request.

    Only projects that have no milestones yet are filled in, so a second run finds nothing to do.
    """

    as_of = date(DEMO_YEAR, LAST_REPORTED_MONTH, 31)
    stewards = {"明湖办事处": User.objects.get(username="minghu_head")}
    for username, unit_name in (
        ("chaohe_head", "潮河办事处"),
        ("qiancheng_head", "前程办事处"),
        ("jinghang_head", "京航办事处"),
        ("jiulong_head", "九龙办事处"),
        ("xiangyun_head", "祥云办事处"),
        ("zongbao_head", "综合保税区"),
        ("wuliu_head", "物流园区"),
    ):
        unit = units[unit_name]
        steward, created = User.objects.get_or_create(
            username=username, defaults={"last_name": f"{unit.display_name}主任", "unit": unit}
        )
        if created:
            steward.set_password(DEMO_PASSWORD)
            steward.save(update_fields=["password"])
            steward.groups.add(Group.objects.get(name=Role.UNIT_HEAD))
        stewards[unit_name] = steward

    projects = list(
        Project.objects.filter(milestones__isnull=True).select_related("reporting_unit").order_by("code")
    )
    if not projects:
        return
    milestones = []
    for project in projects:
        if rng.random() < 0.9:
            project.steward = stewards.get(project.reporting_unit.name)
        if project.stage == Stage.RESERVE:
            # 储备库 holds the projects that cannot start this year (seed 003), so they plan to next year.
            project.planned_start = project.planned_start.replace(year=DEMO_YEAR + 1)
            project.planned_completion = max(
                project.planned_completion, project.planned_start + timedelta(days=365)
            )
        # Procedures are done in order, each some weeks after the previous one; a reserve project has
        # done only some of them, every other library's project all of them before it started.
        done = rng.choice([0, 1, 2, 2, 3, 4]) if project.stage == Stage.RESERVE else len(PROCEDURES)
        start = project.actual_start or project.planned_start
        day = start - timedelta(days=rng.randint(150, 300))
        for field, _label in PROCEDURES[:done]:
            setattr(project, field, min(day, as_of))
            day += timedelta(days=rng.randint(20, 60))
        signed_on = (project.approval_on or as_of) - timedelta(days=rng.randint(30, 150))
        reached_output = (
            project.actual_completion + timedelta(days=rng.randint(60, 120))
            if project.actual_completion
            else None
        )
        dates = {
            MilestoneKind.SIGNING: (signed_on, signed_on if done or project.stage != Stage.RESERVE else None),
            MilestoneKind.START: (project.planned_start, project.actual_start),
            MilestoneKind.COMPLETION: (project.planned_completion, project.actual_completion),
            MilestoneKind.OUTPUT: (
                project.planned_completion + timedelta(days=180),
                reached_output if reached_output and reached_output <= as_of else None,
            ),
        }
        milestones += [
            Milestone(project=project, kind=kind, planned_on=planned, actual_on=actual)
            for kind, (planned, actual) in dates.items()
        ]
    # One UPDATE per project: bulk_update's CASE expressions over 350 rows cost seconds to build.
    fields = ["steward", "planned_start", "planned_completion", *(field for field, _label in PROCEDURES)]
    for project in projects:
        Project.objects.filter(pk=project.pk).update(**{field: getattr(project, field) for field in fields})
    Project.history.bulk_history_create(projects, update=True)
    bulk_create_with_history(milestones, Milestone)

    stopped = next(
        (p for p in projects if p.stage == Stage.RESERVE and p.reporting_unit.name == "明湖办事处"), None
    )
    if stopped is not None:
        ExitRequest.objects.create(
            project=stopped,
            reason=ExitReason.TALKS_STOPPED,
            note="企业因资金链紧张已停止洽谈，经区重大项目建设工作领导小组研究同意退出重点项目库。",
            requested_by=stewards["明湖办事处"],
        )


def load_site_photos() -> None:
    """Site photos of three of 明湖办事处's key projects, taken on site in September and October with
    the position in their EXIF, one of them marked as 入库纳统 evidence, as 明湖's steward would upload
    them from the phone page. Only when the demo has no photo yet, so a second run adds none."""

    if SitePhoto.objects.exists():
        return
    steward = User.objects.get(username="minghu_head")
    projects = Project.objects.filter(
        steward=steward, stage=Stage.UNDER_CONSTRUCTION, level__in=(Level.MUNICIPAL, Level.DISTRICT)
    ).order_by("code")[:3]
    for index, project in enumerate(projects):
        for shot, (month, day, floors) in enumerate(
            ((9, 20, 3 + index), (LAST_REPORTED_MONTH, 18, 5 + index))
        ):
            picture = Image.new("RGB", (960, 720), (150, 190, 225))
            draw = ImageDraw.Draw(picture)
            draw.rectangle((0, 520, 960, 720), fill=(150, 130, 100))
            for floor in range(floors):
                draw.rectangle(
                    (300, 500 - floor * 50, 660, 540 - floor * 50), fill=(190, 190, 185), outline="grey"
                )
            draw.line((720, 520, 720, 120, 560, 120), fill=(230, 180, 30), width=8)
            exif = Image.Exif()
            exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = (
                f"{DEMO_YEAR}:{month:02d}:{day:02d} 10:{index * 7:02d}:00"
            )
            gps = exif.get_ifd(IFD.GPSInfo)
            gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (34.0, 43.0, 10.0 + index * 9)
            gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", (113.0, 44.0, 20.0 + index * 11)
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=80, exif=exif.tobytes())
            photo_add(
                project=project,
                data=out.getvalue(),
                actor=steward,
                caption=f"主体施工至{floors}层",
                evidence_kind=EvidenceKind.SITE if index == 0 and shot == 1 else "",
            )
