from .accesslog import AccessAction, AccessLog, AccessLogChainHead, AccessLogCut
from .assessment import Assessment, NeedLevel, Occasion, Receptivity
from .case import (
    Case,
    CaseNumberSequence,
    ClosureReason,
    ConcernCategory,
    Programme,
    ReferralSource,
    RiskLevel,
    SocialIntervention,
    Status,
)
from .consent import (
    Consent,
    ConsentAgency,
    ConsentMethod,
    ConsentSigner,
    InformationCategory,
    SignerRole,
)
from .consultation import AgeBand, Consultation, ConsultationOutcome, NotSSPFReason
from .events import CaseEvent
from .external import ExternalIdentity
from .journal import ConcernReport, Incident, IncidentKind, JournalNote
from .meeting import Meeting, MeetingKind, MeetingPicture, MeetingStatus
from .network import NetworkPerson
from .org import Agency, AgencyKind, Membership, Municipality, Role
from .outcome import (
    INDICATORS,
    Intervention,
    OutcomePoint,
    OutcomeReading,
)
from .plan import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionUpdate,
    FollowUp,
    FollowUpDecision,
    FollowUpItem,
    Goal,
    GoalAssessment,
    Party,
)
from .process import CaseProcess, CaseTask, TaskDeadline
from .retention import (
    HoldReason,
    LegalHold,
    RecordType,
    RetentionAction,
    RetentionRule,
    RetentionRun,
    Trigger,
)
from .rolechange import RoleChange
from .signin import SignIn
from .youth import Gender, Guardian, Youth

__all__ = [
    "INDICATORS",
    "Intervention",
    "OutcomePoint",
    "OutcomeReading",
    "SocialIntervention",
    "Assessment",
    "NeedLevel",
    "Occasion",
    "Receptivity",
    "Incident",
    "IncidentKind",
    "ActionUpdate",
    "AgeBand",
    "Consultation",
    "NotSSPFReason",
    "ConsultationOutcome",
    "AccessAction",
    "AccessLog",
    "AccessLogChainHead",
    "AccessLogCut",
    "Action",
    "ActionPlan",
    "ActionStatus",
    "Agency",
    "AgencyKind",
    "Case",
    "CaseEvent",
    "ExternalIdentity",
    "CaseProcess",
    "CaseTask",
    "CaseNumberSequence",
    "ClosureReason",
    "ConcernCategory",
    "ConcernReport",
    "Consent",
    "ConsentAgency",
    "ConsentMethod",
    "ConsentSigner",
    "FollowUp",
    "FollowUpDecision",
    "FollowUpItem",
    "Gender",
    "Goal",
    "GoalAssessment",
    "Guardian",
    "InformationCategory",
    "JournalNote",
    "Meeting",
    "MeetingKind",
    "MeetingPicture",
    "MeetingStatus",
    "Membership",
    "Municipality",
    "NetworkPerson",
    "Party",
    "Programme",
    "ReferralSource",
    "RiskLevel",
    "Role",
    "RoleChange",
    "SignIn",
    "HoldReason",
    "LegalHold",
    "RecordType",
    "RetentionAction",
    "RetentionRule",
    "RetentionRun",
    "Trigger",
    "SignerRole",
    "Status",
    "TaskDeadline",
    "Youth",
]
