"""The root URLs: one viewflow site holding each app's pages, the login, the admin and the
language switch."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site

from casework.pages import account, second_factor, security_keys
from casework.pages.gallring import gallring
from casework.pages.home import administration, home
from casework.urls import case_app, flow_viewset, log_app
from forms.urls import forms_app

from . import sso

admin.site.site_header = _("SSPF – administration")
admin.site.site_title = _("SSPF – administration")
admin.site.index_title = _("Users, agencies and settings")
admin.site.site_url = "/"

site = Site(title=_("SSPF"), viewsets=[flow_viewset, case_app, log_app, forms_app])

urlpatterns = [
    path("", home, name="home"),
    path("administration/", administration, name="administration"),
    path("administration/gallring/", gallring, name="gallring"),
    path("accounts/2fa/", second_factor.verify, name="mfa_verify"),
    path("accounts/2fa/setup/", second_factor.setup, name="mfa_setup"),
    path("accounts/2fa/codes/", second_factor.codes, name="mfa_codes"),
    path("accounts/2fa/manage/", second_factor.manage, name="mfa_manage"),
    path("accounts/2fa/renew-codes/", second_factor.renew_codes, name="mfa_renew_codes"),
    path(
        "accounts/2fa/keys/add/begin/", security_keys.AddBegin.as_view(), name="mfa_key_add_begin"
    ),
    path(
        "accounts/2fa/keys/add/complete/",
        security_keys.AddComplete.as_view(),
        name="mfa_key_add_complete",
    ),
    path(
        "accounts/2fa/keys/confirm/begin/",
        security_keys.ConfirmBegin.as_view(),
        name="mfa_key_confirm_begin",
    ),
    path(
        "accounts/2fa/keys/confirm/complete/",
        security_keys.ConfirmComplete.as_view(),
        name="mfa_key_confirm_complete",
    ),
    path("accounts/2fa/keys/<int:pk>/remove/", security_keys.remove, name="mfa_key_remove"),
    path("sign-ins/", account.sign_ins, name="sign_ins"),
    path("session/status/", account.session_status, name="session_status"),
    path("session/keepalive/", account.session_keepalive, name="session_keepalive"),
    # Single sign-on (project.sso): 404 unless SSPF_OIDC_ISSUER is set.
    path("accounts/oidc/login/", sso.Start.as_view(), name="oidc_authentication_init"),
    path("accounts/oidc/callback/", sso.Callback.as_view(), name="oidc_authentication_callback"),
    path("accounts/logout/", sso.Logout.as_view(), name="logout"),  # and at the provider
    path("accounts/", AuthViewset(allow_password_change=False, with_profile_view=False).urls),
    path("admin/login/", sso.admin_login),  # passwords switched off: the product's login
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("operative/", include("operative.urls")),
    path("", include("reporting.urls")),
    path("", site.urls),
]
