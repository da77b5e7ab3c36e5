"""Which information category a piece of case data belongs to, so that an agency sees only
what its consent covers (OSL 10:1, 12:2–3: each agency discloses only what the consent names).

The rule is deliberately conservative: data takes the category of its source; texts that mix
every party's picture (the description of the concern, meeting protocols, follow-up notes) are
shown only when the consent covers every category. Identification, the consent itself, meeting
times and the plan's goals are the common ground of the collaboration and stay visible to every
covered agency, and so do the actions an agency is itself responsible for. The network persons a
consent names (name and relation) are part of the consent and so of the common ground; how to
reach them is for the coordinator. A network person's action, like the family's own, is about
the family's circumstances: social services' category. The outcome indicators follow the
concerns they measure: school attendance and goal fulfilment are school information, crime the
police's, alcohol and drugs health information, leisure the leisure area's."""

from dataclasses import dataclass

from .models import AgencyKind, ConcernCategory, InformationCategory, Party
from .models.outcome import INDICATORS

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

# each outcome indicator in the category of the concern it measures (CONCERN_CATEGORY)
INDICATOR_CATEGORY = {
    "school_attendance": InformationCategory.SCHOOL,
    "goal_fulfilment": InformationCategory.SCHOOL,
    "crime": InformationCategory.POLICE,
    "substance_use": InformationCategory.HEALTH,
    "leisure": InformationCategory.LEISURE,
}

EVERY = frozenset(InformationCategory.values)

# The young person's accessibility needs describe their health.
ACCESSIBILITY_CATEGORY = InformationCategory.HEALTH


def agency_category(agency):
    """What an agency supplies belongs to its area (an incident it reports)."""
    return AGENCY_CATEGORY.get(agency.kind, InformationCategory.HEALTH)


def action_category(action):
    """An agency's action belongs to that agency's area; the young person's, the family's and
    a network person's own actions to social services' (the family's circumstances)."""
    if action.party == Party.AGENCY and action.agency is not None:
        return agency_category(action.agency)
    return InformationCategory.SOCIAL_SERVICES


def concern_category(code):
    return CONCERN_CATEGORY.get(code, InformationCategory.SOCIAL_SERVICES)


def sees_everything(categories):
    """Mixed texts need a consent that covers every category."""
    return set(categories) >= EVERY


@dataclass(frozen=True)
class Sight:
    """What one reader may see of one case: the information categories their consent covers,
    whether they coordinate it, their own agency (which always sees its own actions and what it
    wrote), the agency that referred the case and the agencies a consent covers today (an
    agency's information is disclosed to another only while a consent covers both, seed 004)."""

    categories: frozenset
    coordinates: bool
    agency_id: int | None
    referring_agency_id: int | None = None
    covered: frozenset = frozenset()

    @property
    def full_picture(self):
        """Texts that mix every party's picture (the concern's description, protocols,
        follow-up notes, filled-in forms) need a consent that covers every category."""
        return sees_everything(self.categories)

    @property
    def referral(self):
        """The referral's own texts (the concern's description, the protective factors): for
        the coordinator, for the agency that wrote them, and for another agency whose consent
        covers every category while a consent also covers the referring agency."""
        if (
            self.coordinates
            or self.agency_id is not None
            and (self.agency_id == self.referring_agency_id)
        ):
            return True
        return self.full_picture and self.referring_agency_id in self.covered

    @property
    def social_services(self):
        return InformationCategory.SOCIAL_SERVICES in self.categories

    @property
    def assessment(self):
        """The assessments of risk, need and receptivity (RBM) and the risk level: the
        coordinator's judgement, social services' kind of information (seed 004)."""
        return self.coordinates or self.social_services

    @property
    def social_intervention(self):
        """Whether a needs-assessed intervention followed (``Case.social_intervention``):
        social services' decision, for the coordinator and social services' category."""
        return self.coordinates or self.social_services

    @property
    def accessibility(self):
        """The young person's accessibility needs (health information)."""
        return ACCESSIBILITY_CATEGORY in self.categories

    def action(self, action):
        return action_category(action) in self.categories or (
            self.agency_id is not None and action.agency_id == self.agency_id
        )

    def concern(self, code):
        return concern_category(code) in self.categories

    def indicators(self):
        """The outcome indicators the reader may see, in their order (``INDICATOR_CATEGORY``)."""
        return [name for name in INDICATORS if INDICATOR_CATEGORY[name] in self.categories]

    def incident(self, incident):
        """An incident report: for the coordinator and the agency that reported it; for another
        agency while a consent covers the reporter too and the reader's consent covers the
        reporter's area."""
        if self.coordinates or incident.agency_id == self.agency_id:
            return True
        return (
            incident.agency_id in self.covered
            and agency_category(incident.agency) in self.categories
        )

    def picture(self, picture):
        """An agency's picture before a meeting, under the same rule as its incident reports:
        for the coordinator and the agency that wrote it; for another agency while a consent
        covers the writer too and the reader's consent covers the writer's area."""
        if self.coordinates or picture.agency_id == self.agency_id:
            return True
        return (
            picture.agency_id in self.covered and agency_category(picture.agency) in self.categories
        )
