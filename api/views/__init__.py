"""The /api/v1/ endpoints. Each declares its roles and serializer, checks the unit with the pages'
own functions and calls the pages' own selectors and services."""

from .plans import PlanYearDetail, PlanYearList, RankingGroupList, UnitDetail, UnitList
from .projects import MonthReports, ProjectDetail, ProjectList
from .published import AnyAccept, AssessmentList, BulletinFile, BulletinList, EscalationList, RankingList
from .returns import (
    Figures,
    SubmissionApprove,
    SubmissionDetail,
    SubmissionList,
    SubmissionMove,
    SubmissionReturn,
    SubmissionSubmit,
    SubmissionVerify,
)

__all__ = [
    "AnyAccept",
    "AssessmentList",
    "BulletinFile",
    "BulletinList",
    "EscalationList",
    "Figures",
    "MonthReports",
    "PlanYearDetail",
    "PlanYearList",
    "ProjectDetail",
    "ProjectList",
    "RankingGroupList",
    "RankingList",
    "SubmissionApprove",
    "SubmissionDetail",
    "SubmissionList",
    "SubmissionMove",
    "SubmissionReturn",
    "SubmissionSubmit",
    "SubmissionVerify",
    "UnitDetail",
    "UnitList",
]
