from .assessments import Assessment, AssessmentAdjustment, AssessmentRow, Award
from .communications import Bulletin, BulletinLetterhead, Notification, NotificationPreference
from .exports import Export, ExportKind, ExportStatus
from .figures import OfficialFigure
from .rankings import (
    CompositeWeight,
    Escalation,
    Ladder,
    LadderStep,
    RankingRow,
    RankingRun,
    RankingScheme,
    RewardTier,
)
from .submissions import Forecast, Submission, SubmissionEvent

__all__ = [
    "Assessment",
    "AssessmentAdjustment",
    "AssessmentRow",
    "Award",
    "Bulletin",
    "BulletinLetterhead",
    "CompositeWeight",
    "Escalation",
    "Export",
    "ExportKind",
    "ExportStatus",
    "Forecast",
    "Ladder",
    "LadderStep",
    "Notification",
    "NotificationPreference",
    "OfficialFigure",
    "RankingRow",
    "RankingRun",
    "RankingScheme",
    "RewardTier",
    "Submission",
    "SubmissionEvent",
]
