"""Object permissions for Django's ``has_perm``, all answered by ``sspf_flow.access``."""

import rules

from . import access


@rules.predicate
def can_view_case(user, case):
    return case is not None and access.can_view_case(user, case)


@rules.predicate
def can_coordinate_case(user, case):
    return case is not None and access.can_coordinate(user, case)


rules.add_perm("sspf_flow.view_case_object", can_view_case)
rules.add_perm("sspf_flow.coordinate_case_object", can_coordinate_case)
