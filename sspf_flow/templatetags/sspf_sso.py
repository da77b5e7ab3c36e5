"""What the login page offers: the municipality's account (single sign-on), username and
password, or both (``sspf_flow.sso``)."""

from django import template

from sspf_flow import sso

register = template.Library()


@register.simple_tag
def sign_in_options():
    return {"sso": sso.enabled(), "local": sso.local_login()}
