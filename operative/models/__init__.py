"""The operative app's models: the group and its meetings (``group``) and the programmes run
beside it (``programmes``: the person in a programme, shared by Youngsters, Top 5 and SIG;
``top5``: the Top 5 list, its selection meetings and measures)."""

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
from .top5 import (
    MOST_ON_THE_LIST,
    SELECTION_WEEKS,
    Top5EndReason,
    Top5Entry,
    Top5LegalGround,
    Top5Measure,
    Top5MeasureStatus,
    Top5Selection,
)
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
    "SELECTION_WEEKS",
    "MOST_ON_THE_LIST",
    "Top5Selection",
    "Top5LegalGround",
    "Top5EndReason",
    "Top5Entry",
    "Top5MeasureStatus",
    "Top5Measure",
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
