"""The reports' pages, under /steering/ and /register/ (``project.urls``)."""

from django.urls import path

from . import extract_views

app_name = "reporting"

urlpatterns = [
    # the register extract (GDPR art. 15), the coordinator's
    path("register/", extract_views.register_index, name="register"),
    path("register/<int:pk>/", extract_views.register_request, name="register_request"),
    path("register/<int:pk>/pdf/", extract_views.register_pdf, name="register_pdf"),
]
