"""The case summary beside a step's form and on the take/give-back pages: who, where the case
stands, why it was referred, in words, under the reader's information categories."""

from sspf_flow import access
from sspf_flow.models import ConcernCategory


def concerns_seen(user, case):
    """The labels of the case's coded concerns whose category the user may see."""
    sight = access.sight(user, case)
    return [
        ConcernCategory(code).label
        for code in case.concerns
        if code in ConcernCategory.values and sight.concern(code)
    ]
