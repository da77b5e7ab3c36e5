"""The reports' pages, under /steering/ and /register/ (``project.urls``)."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = []
