"""The operative app's models: the group and its meetings (``group``) and the programmes run
beside it (``programmes``: the person in a programme, shared by Youngsters, Top 5 and SIG)."""

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
from .youngsters import (
    AgreedMeasure,
    ConcernTalk,
    MeasureParty,
    MeasureStatus,
    TalkKind,
    TalkPlace,
    TalkStatus,
    YoungstersOutcome,
    YoungstersTrack,
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
    "YoungstersOutcome",
    "YoungstersTrack",
    "TalkKind",
    "TalkPlace",
    "TalkStatus",
    "ConcernTalk",
    "MeasureParty",
    "MeasureStatus",
    "AgreedMeasure",
]
