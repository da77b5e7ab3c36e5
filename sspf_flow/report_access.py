"""Who reads the statistics (the rules ``access`` offers; callers ask ``access``).

The steering group reads its municipality's de-identified figures and never a case; the
coordinators read the same figures, since they present them (seed 003: the half-year report)."""

from . import identity
from .models.org import Role

__all__ = ["follows_statistics", "reads_statistics", "statistics_municipality"]


def _roles(user):
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return identity.roles_of(user)


def follows_statistics(user):
    """The steering group: de-identified figures only, never a case."""
    return Role.STEERING_GROUP in _roles(user)


def reads_statistics(user):
    """The steering group and the coordinators, who belong to an agency of a municipality."""
    return bool({Role.STEERING_GROUP, Role.COORDINATOR} & _roles(user)) and (
        identity.membership_of(user) is not None
    )


def statistics_municipality(user):
    """The id of the municipality whose figures the user reads, or None."""
    if not reads_statistics(user):
        return None
    return identity.membership_of(user).agency.municipality_id
