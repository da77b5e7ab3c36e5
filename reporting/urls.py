"""The reports' pages, under /steering/ and /register/ (``project.urls``)."""

app_name = "reporting"

urlpatterns = []
