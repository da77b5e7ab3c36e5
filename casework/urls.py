"""What users click for cases, as viewflow applications the project's site mounts: the flow's
inbox and task pages, the case pages, and the access log."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from sspf_flow import access

from .pages import (
    actions,
    casefile,
    cases,
    consultations,
    counted,
    dashboard,
    documents,
    grants,
    holds,
    log,
    pictures,
    plans,
)
from .workflow.flows import CaseFlow
from .workflow.inbox import CaseFlowViewset

flow_viewset = CaseFlowViewset(CaseFlow, icon="assignment")

case_app = Application(
    app_name="sspf",
    title=_("Cases"),
    icon="folder_shared",
    permission=access.works_with_cases,
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
        path("handover/", dashboard.HandOverView.as_view(), name="hand_over"),
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
        path("<str:number>/", casefile.CaseDetailView.as_view(), name="case_detail"),
        path("<str:number>/history/", casefile.CaseHistoryView.as_view(), name="case_history"),
        path(
            "<str:number>/plans/<int:version>/",
            plans.PlanVersionView.as_view(),
            name="plan_version",
        ),
        path("<str:number>/close/", cases.CloseCaseView.as_view(), name="case_close"),
        path(
            "<str:number>/social-intervention/",
            counted.SocialInterventionView.as_view(),
            name="social_intervention",
        ),
        path("<str:number>/reopen/", cases.ReopenCaseView.as_view(), name="case_reopen"),
        path("<str:number>/steps/<int:pk>/give/", cases.GiveStepView.as_view(), name="step_give"),
        path(
            "<str:number>/coordinator/",
            cases.ChangeCoordinatorView.as_view(),
            name="case_coordinator",
        ),
        path("<str:number>/hold/", holds.PlaceHoldView.as_view(), name="hold_place"),
        path("<str:number>/hold/lift/", holds.LiftHoldView.as_view(), name="hold_lift"),
        path("<str:number>/journal/new/", cases.JournalNoteView.as_view(), name="journal_new"),
        path("<str:number>/incidents/new/", actions.IncidentView.as_view(), name="incident_new"),
        path(
            "<str:number>/meetings/<int:pk>/protocol/",
            actions.ProtocolView.as_view(),
            name="meeting_protocol",
        ),
        path(
            "<str:number>/meetings/<int:pk>/picture/",
            pictures.PictureView.as_view(),
            name="meeting_picture",
        ),
        path(
            "<str:number>/actions/<int:pk>/",
            actions.ActionUpdateView.as_view(),
            name="action_update",
        ),
        path(
            "<str:number>/concern-report/",
            cases.ConcernReportView.as_view(),
            name="concern_report",
        ),
        path("<str:number>/consent-form.pdf", documents.consent_form_pdf, name="consent_form_pdf"),
        path(
            "<str:number>/consent/<int:pk>/form.pdf",
            documents.consent_form_pdf,
            name="consent_pdf",
        ),
        path(
            "<str:number>/consent/<int:pk>/signed-form/",
            documents.signed_consent_form,
            name="consent_signed_form",
        ),
        path("<str:number>/consent/new/", cases.FurtherConsentView.as_view(), name="consent_new"),
        path("<str:number>/checklist/", cases.ChecklistView.as_view(), name="case_checklist"),
        path("<str:number>/form/<int:pk>.pdf", documents.submission_pdf, name="submission_pdf"),
        path(
            "<str:number>/information.pdf", documents.information_pdf, name="case_information_pdf"
        ),
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
    urlpatterns=[
        path("", log.AccessLogView.as_view(), name="index"),
        path("export/", log.export_csv, name="export"),
        path("youth/", log.youth_report, name="youth_report"),
        path("roles/", grants.role_changes, name="role_changes"),
    ],
)
