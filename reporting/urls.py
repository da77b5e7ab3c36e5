"""The reports' pages, under /steering/ and /register/ (``project.urls``)."""

from django.urls import path

from . import extract_views, views

app_name = "reporting"

urlpatterns = [
    path("steering/", views.report_page, name="steering"),
    path("steering/report.csv", views.report_csv, name="report_csv"),
    path("steering/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("steering/report.pdf", views.report_pdf, name="report_pdf"),
    # the register extract (GDPR art. 15), the coordinator's
    path("register/", extract_views.register_index, name="register"),
    path("register/<int:pk>/", extract_views.register_request, name="register_request"),
    path("register/<int:pk>/pdf/", extract_views.register_pdf, name="register_pdf"),
]
