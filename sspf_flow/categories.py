"""Which information category a piece of case data belongs to, so that an agency sees only
what its consent covers (OSL 10:1, 12:2–3: each agency discloses only what the consent names).

The rule is deliberately conservative: data takes the category of its source; texts that mix
every party's picture (the description of the concern, meeting protocols, follow-up notes) are
shown only when the consent covers every category. Identification, the consent itself, meeting
times and the plan's goals are the common ground of the collaboration and stay visible to every
covered agency, and so do the actions an agency is itself responsible for."""

from .models import AgencyKind, ConcernCategory, InformationCategory, Party

AGENCY_CATEGORY = {
    AgencyKind.SCHOOL: InformationCategory.SCHOOL,
    AgencyKind.SOCIAL_SERVICES: InformationCategory.SOCIAL_SERVICES,
    AgencyKind.POLICE: InformationCategory.POLICE,
    AgencyKind.SAFETY: InformationCategory.POLICE,
    AgencyKind.LEISURE: InformationCategory.LEISURE,
    AgencyKind.OTHER: InformationCategory.HEALTH,
}

CONCERN_CATEGORY = {
    ConcernCategory.SCHOOL_ABSENCE: InformationCategory.SCHOOL,
    ConcernCategory.SCHOOL_RESULTS: InformationCategory.SCHOOL,
    ConcernCategory.SUBSTANCE_USE: InformationCategory.HEALTH,
    ConcernCategory.MENTAL_HEALTH: InformationCategory.HEALTH,
    ConcernCategory.CRIMINAL_PEERS: InformationCategory.POLICE,
    ConcernCategory.CRIME: InformationCategory.POLICE,
    ConcernCategory.VIOLENCE: InformationCategory.POLICE,
    ConcernCategory.NORM_BREAKING: InformationCategory.POLICE,
    ConcernCategory.FAMILY: InformationCategory.SOCIAL_SERVICES,
    ConcernCategory.OTHER: InformationCategory.SOCIAL_SERVICES,
}

EVERY = frozenset(InformationCategory.values)

# The young person's accessibility needs describe their health.
ACCESSIBILITY_CATEGORY = InformationCategory.HEALTH


def action_category(action):
    """An agency's action belongs to that agency's area; the young person's and the family's
    own actions to social services' (the family's circumstances)."""
    if action.party == Party.AGENCY and action.agency is not None:
        return AGENCY_CATEGORY.get(action.agency.kind, InformationCategory.HEALTH)
    return InformationCategory.SOCIAL_SERVICES


def concern_category(code):
    return CONCERN_CATEGORY.get(code, InformationCategory.SOCIAL_SERVICES)


def sees_everything(categories):
    """Mixed texts need a consent that covers every category."""
    return set(categories) >= EVERY
