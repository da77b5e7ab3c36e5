from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from forms import views as form_views
from notifications import overview
from notifications.views import dashboard
from sspf_flow import access
from sspf_flow.flows import CaseFlow
from sspf_flow.views import cases, consentform, consultations, home, log
from sspf_flow.views.flowviews import CaseFlowViewset


class CaseApplication(Application):
    def get_context_data(self, request):
        # for the menu; the role lookup is cached on the user for the request
        coordinator = access.is_coordinator(request.user)
        return {
            "menu_coordinator": coordinator,
            "menu_overdue": overview.overdue_count(request.user) if coordinator else 0,
        }


case_app = CaseApplication(
    app_name="sspf",
    title=_("Cases"),
    icon="folder_shared",
    permission=access.works_with_cases,
    menu_template_name="sspf_flow/case_menu.html",
    urlpatterns=[
        path("", RedirectView.as_view(pattern_name="sspf:case_list"), name="index"),
        path("list/", cases.CaseListView.as_view(), name="case_list"),
        path("dashboard/", dashboard.dashboard, name="dashboard"),
        path("notifications/", dashboard.preferences, name="preferences"),
        path(
            "new/",
            RedirectView.as_view(url="/case/start/", query_string=True),
            name="new_referral",
        ),
        path("referrals/", cases.my_referrals, name="my_referrals"),
        path(
            "consultations/",
            consultations.ConsultationListView.as_view(),
            name="consultations",
        ),
        path(
            "consultations/new/",
            consultations.ConsultationCreateView.as_view(),
            name="consultation_new",
        ),
        path("<str:number>/", cases.CaseDetailView.as_view(), name="case_detail"),
        path("<str:number>/close/", cases.CloseCaseView.as_view(), name="case_close"),
        path("<str:number>/reopen/", cases.ReopenCaseView.as_view(), name="case_reopen"),
        path("<str:number>/journal/new/", cases.JournalNoteView.as_view(), name="journal_new"),
        path(
            "<str:number>/concern-report/",
            cases.ConcernReportView.as_view(),
            name="concern_report",
        ),
        path(
            "<str:number>/consent-form.pdf", consentform.consent_form_pdf, name="consent_form_pdf"
        ),
        path(
            "<str:number>/consent/<int:pk>/form.pdf",
            consentform.consent_form_pdf,
            name="consent_pdf",
        ),
        path(
            "<str:number>/consent/<int:pk>/signed-form/",
            cases.signed_consent_form,
            name="consent_signed_form",
        ),
        path("<str:number>/consent/new/", cases.FurtherConsentView.as_view(), name="consent_new"),
        path("<str:number>/checklist/", cases.ChecklistView.as_view(), name="case_checklist"),
        path("<str:number>/form/<int:pk>.pdf", cases.submission_pdf, name="submission_pdf"),
        path("<str:number>/information.pdf", cases.information_pdf, name="case_information_pdf"),
        path(
            "<str:number>/meeting/<int:pk>/change/",
            cases.MeetingChangeView.as_view(),
            name="meeting_change",
        ),
        path(
            "<str:number>/consent/<int:pk>/withdraw/",
            cases.WithdrawConsentView.as_view(),
            name="consent_withdraw",
        ),
    ],
)

log_app = Application(
    app_name="log",
    title=_("Access log"),
    icon="policy",
    permission=access.can_review_log,
    menu_template_name="sspf_flow/log_menu.html",
    urlpatterns=[
        path("", log.AccessLogView.as_view(), name="index"),
        path("export/", log.export_csv, name="export"),
        path("youth/", log.youth_report, name="youth_report"),
    ],
)

forms_app = Application(
    app_name="forms",
    title=_("Form templates"),
    icon="dynamic_form",
    permission=access.can_edit_forms,
    menu_template_name="forms/menu.html",
    urlpatterns=[
        path("", form_views.template_list, name="index"),
        path("import/", form_views.template_import, name="import"),
        path("<int:pk>/", form_views.template_detail, name="template"),
        path("version/<int:pk>/edit/", form_views.version_edit, name="edit"),
        path("version/<int:pk>/preview/", form_views.version_preview, name="preview"),
        path("version/<int:pk>/form.pdf", form_views.version_pdf, name="pdf"),
        path("version/<int:pk>/export.json", form_views.version_export, name="export"),
        path("version/<int:pk>/publish/", form_views.version_publish, name="publish"),
        path("version/<int:pk>/retire/", form_views.version_retire, name="retire"),
        path("version/<int:pk>/copy/", form_views.version_copy, name="copy"),
    ],
)

site = Site(
    title=_("SSPF"),
    viewsets=[
        CaseFlowViewset(CaseFlow, icon="assignment"),
        case_app,
        log_app,
        forms_app,
    ],
)

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", AuthViewset(allow_password_change=False, with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", site.urls),
]
