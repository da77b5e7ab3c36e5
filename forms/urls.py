"""The form template editor's pages, mounted in the project's site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from sspf_flow import access

from . import views

forms_app = Application(
    app_name="forms",
    title=_("Form templates"),
    icon="dynamic_form",
    permission=access.can_edit_forms,
    urlpatterns=[
        path("", views.template_list, name="index"),
        path("import/", views.template_import, name="import"),
        path("<int:pk>/", views.template_detail, name="template"),
        path("version/<int:pk>/edit/", views.version_edit, name="edit"),
        path("version/<int:pk>/preview/", views.version_preview, name="preview"),
        path("version/<int:pk>/form.pdf", views.version_pdf, name="pdf"),
        path("version/<int:pk>/export.json", views.version_export, name="export"),
        path("version/<int:pk>/publish/", views.version_publish, name="publish"),
        path("version/<int:pk>/retire/", views.version_retire, name="retire"),
        path("version/<int:pk>/copy/", views.version_copy, name="copy"),
    ],
)
