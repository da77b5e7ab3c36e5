"""The reports' pages, under /steering/ and /register/ (``project.urls``)."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("steering/", views.report_page, name="steering"),
    path("steering/report.csv", views.report_csv, name="report_csv"),
    path("steering/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("steering/report.pdf", views.report_pdf, name="report_pdf"),
]
