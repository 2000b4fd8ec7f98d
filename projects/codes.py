"""项目代码: the code the national 投资项目在线审批监管平台 gives every project, ``YYYY-RRRRRR-DD-TT-NNNNNN``.

year (when the code was given) - 6-digit 行政区划代码 of the place that gave it - 2-digit industry
(国民经济行业 大类) - type (01 审批, 02 核准, 03 备案) - 6-digit serial. A deployment takes projects of its
own 区划 only: the region must lie inside ``PROJECT_CODE_REGION`` (410171 郑州经济技术开发区; a city
410100 takes every 4101xx). Codes given before the area had its own 区划代码, under the regions named in
``PROJECT_CODE_LEGACY_REGIONS``, are accepted and listed as 旧区划代码.

Nothing here reads the database: the services pass the settings in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

CODE_FORMAT = "YYYY-RRRRRR-DD-TT-NNNNNN"
CODE_EXAMPLE = "2022-410171-36-01-000123"
FIRST_CODE_YEAR = 2000
_PATTERN = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


class CodeType(models.TextChoices):
    APPROVAL = "01", "审批"
    AUTHORISATION = "02", "核准"
    FILING = "03", "备案"


class CodeRegion(models.TextChoices):
    CURRENT = "current", "本区划代码"
    LEGACY = "legacy", "旧区划代码"


@dataclass(frozen=True)
class ProjectCode:
    year: int
    region: str
    industry: str
    kind: str
    serial: str


def project_code_parse(code: str) -> ProjectCode | None:
    match = _PATTERN.match(code or "")
    if match is None:
        return None
    year, region, industry, kind, serial = match.groups()
    return ProjectCode(int(year), region, industry, kind, serial)


def region_prefix(region: str) -> str:
    """The digits a region's sub-regions share: 410000 → 41, 410100 → 4101, 410171 → 410171."""
    prefix = region
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def region_inside(region: str, deployment: str) -> bool:
    return region.startswith(region_prefix(deployment))


def project_code_problem(
    code: str, *, deployment_region: str, legacy_regions: Iterable[str] = (), this_year: int
) -> str | None:
    """Why a 项目代码 cannot key a new project of this deployment, in words for the user; None if it can."""
    code = (code or "").strip()
    parsed = project_code_parse(code)
    if parsed is None:
        return f"项目代码「{code}」格式不正确，应为 {CODE_FORMAT}（如 {CODE_EXAMPLE}）"
    if not FIRST_CODE_YEAR <= parsed.year <= this_year:
        return f"项目代码「{code}」的赋码年份 {parsed.year} 不正确"
    if parsed.industry == "00":
        return f"项目代码「{code}」的行业代码 00 不正确"
    if parsed.kind not in CodeType.values:
        return f"项目代码「{code}」的项目类型 {parsed.kind} 不正确，应为 01（审批）、02（核准）或 03（备案）"
    if parsed.serial == "000000":
        return f"项目代码「{code}」的流水号不能为 000000"
    if not region_inside(parsed.region, deployment_region) and not any(
        region_inside(parsed.region, legacy) for legacy in legacy_regions
    ):
        return (
            f"项目代码「{code}」的区划代码 {parsed.region} 不属于本辖区（{deployment_region}），"
            "不能在本系统登记"
        )
    return None


def project_code_region(code: str, *, deployment_region: str) -> CodeRegion | None:
    """Whether a well-formed code was given under the deployment's own 区划 or an older one."""
    parsed = project_code_parse((code or "").strip())
    if parsed is None:
        return None
    return CodeRegion.CURRENT if region_inside(parsed.region, deployment_region) else CodeRegion.LEGACY
