"""The operative app's models: the group and its meetings (``group``) and the programmes run
beside it (``programmes``: the person in a programme, shared by Youngsters, Top 5 and SIG;
``sig``: SIG's priority list, cohorts and status notes)."""

from .group import (
    AreaPicture,
    Commitment,
    CommitmentStatus,
    GroupItem,
    GroupMeeting,
    GroupMeetingStatus,
    GroupMember,
    MeetingSeries,
    MemberRole,
    OperativeGroup,
    PossibleReferral,
    new_token,
)
from .programmes import ProgrammeEntry
from .sig import (
    SigAnswer,
    SigClosureReason,
    SigCohort,
    SigDeclineReason,
    SigEntry,
    SigStage,
    SigStatus,
    YesNoUnknown,
)

__all__ = [
    "new_token",
    "OperativeGroup",
    "MemberRole",
    "GroupMember",
    "MeetingSeries",
    "GroupMeetingStatus",
    "GroupMeeting",
    "AreaPicture",
    "GroupItem",
    "PossibleReferral",
    "CommitmentStatus",
    "Commitment",
    "ProgrammeEntry",
    "SigCohort",
    "SigAnswer",
    "SigDeclineReason",
    "SigClosureReason",
    "SigStage",
    "SigEntry",
    "YesNoUnknown",
    "SigStatus",
]
