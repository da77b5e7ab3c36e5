"""Who answers a young person's request for a register extract (GDPR art. 15): the rules
``access`` offers (``access.answers_register_requests`` and the rest; callers ask ``access``).

The extract holds everything stored about the young person: every case with its journal (the
notes confidential toward the guardians too), the programmes' records and the access log. Only
a coordinator of the young person's municipality answers it: the coordinator may already read
every case of the municipality, and is who the young person and the guardians deal with. The
log's reviewers (a coordinators' manager, the administrator) do not: they review who read what
without reading case contents, and they see the request, each print and the hand-over as rows
of the access log. The steering group and the agencies never do.

The ground floor knows no reporting model: these functions ask duck-typed questions of what they
are given (``youth.municipality_id``, a queryset whose rows have ``youth``)."""

from . import identity
from .models.org import Role

__all__ = [
    "answers_register_requests",
    "extracts_for",
    "register_requests_visible_to",
]


def _municipality_coordinated_by(user):
    """The municipality a coordinator coordinates in, or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    if Role.COORDINATOR not in identity.roles_of(user):
        return None
    membership = identity.membership_of(user)
    return membership.agency.municipality_id if membership else None


def answers_register_requests(user):
    """Whether ``user`` registers and answers register-extract requests at all (a coordinator):
    the others get 403 on every page of it."""
    return _municipality_coordinated_by(user) is not None


def extracts_for(user, youth):
    """Whether ``user`` makes the extract of ``youth``: a coordinator of their municipality."""
    municipality = _municipality_coordinated_by(user)
    return municipality is not None and municipality == youth.municipality_id


def register_requests_visible_to(user, requests):
    """Narrow a queryset of register requests to those about the municipality's young people
    (for a coordinator); nothing for anyone else."""
    municipality = _municipality_coordinated_by(user)
    if municipality is None:
        return requests.none()
    return requests.filter(youth__municipality_id=municipality)
