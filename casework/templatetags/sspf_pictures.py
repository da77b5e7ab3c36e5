"""The agencies' pictures at the hold-meeting step (``casework/_pictures.html``), asked of the
template so that the step's view and form stay as they are."""

from django import template

from sspf_flow import access

from ..pages.pictures import board

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_pictures(context, meeting):
    """The pictures of ``meeting`` the page's user may see (the coordinator: all of them) and
    the invited agencies without one."""
    if meeting is None:
        return None
    user = context["request"].user
    return board(meeting, access.sight(user, meeting.case))
