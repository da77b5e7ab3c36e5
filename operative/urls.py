"""The operative group's pages, under /operative/ (``project.urls``)."""

from django.urls import path

from . import views

app_name = "operative"

urlpatterns = [
    path("", views.group_list, name="index"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/plan/", views.plan_series, name="plan_series"),
    path("<int:pk>/calendar/renew/", views.renew_calendar, name="renew_calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/move/", views.move_meeting, name="move_meeting"),
    path("meetings/<int:pk>/cancel/", views.cancel_meeting, name="cancel_meeting"),
    path("meetings/<int:pk>/minutes/", views.hold_meeting, name="hold_meeting"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
