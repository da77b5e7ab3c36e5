"""The operative group's pages, under /operative/ (``project.urls``)."""

from django.urls import path

from . import agenda_views, commitment_views, sig_views, top5_views, views, youngsters_views

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
    path("meetings/<int:pk>/agenda/", agenda_views.agenda_page, name="agenda"),
    path("meetings/<int:pk>/agenda/pdf/", agenda_views.agenda_pdf, name="agenda_pdf"),
    path("meetings/<int:pk>/area/", agenda_views.area_picture, name="area_picture"),
    path("meetings/<int:pk>/group-level/", agenda_views.group_item, name="group_item"),
    path(
        "meetings/<int:pk>/possible-referral/",
        agenda_views.possible_referral,
        name="possible_referral",
    ),
    path(
        "meetings/<int:pk>/commitments/new/",
        commitment_views.commitment_new,
        name="commitment_new",
    ),
    path("meetings/<int:pk>/minutes.pdf", commitment_views.minutes_pdf, name="minutes_pdf"),
    path("commitments/<int:pk>/", commitment_views.commitment_update, name="commitment"),
    # Youngsters (issue 13, 4): police and social services' concern talks
    path("<int:pk>/youngsters/", youngsters_views.track_list, name="youngsters_list"),
    path("<int:pk>/youngsters/new/", youngsters_views.take_up, name="youngsters_new"),
    path("youngsters/<int:pk>/", youngsters_views.track_page, name="youngsters_track"),
    path("youngsters/<int:pk>/plan/", youngsters_views.plan_talk, name="youngsters_plan"),
    path("youngsters/<int:pk>/close/", youngsters_views.close_track, name="youngsters_close"),
    path("youngsters/talks/<int:pk>/held/", youngsters_views.hold_talk, name="youngsters_hold"),
    path(
        "youngsters/talks/<int:pk>/cancel/", youngsters_views.cancel_talk, name="youngsters_cancel"
    ),
    path("youngsters/measures/<int:pk>/", youngsters_views.measure_page, name="youngsters_measure"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    # Top 5 (seed 001, Bilaga 1): police and social services' list of at most five
    path("<int:pk>/top5/", top5_views.top5_list, name="top5_list"),
    path("<int:pk>/top5/selection/", top5_views.top5_selection_new, name="top5_selection"),
    path("<int:pk>/top5/add/", top5_views.top5_add, name="top5_add"),
    path("top5/evaluations/", top5_views.top5_evaluations, name="top5_evaluations"),
    path("<int:pk>/top5/evaluation/", top5_views.top5_evaluation_page, name="top5_evaluation"),
    path(
        "<int:pk>/top5/evaluation.pdf",
        top5_views.top5_evaluation_pdf,
        name="top5_evaluation_pdf",
    ),
    path("top5/<int:pk>/", top5_views.top5_entry, name="top5_entry"),
    path("top5/<int:pk>/end/", top5_views.top5_end, name="top5_end"),
    path("top5/<int:pk>/measures/new/", top5_views.top5_measure_new, name="top5_measure_new"),
    path("top5/measures/<int:pk>/", top5_views.top5_measure, name="top5_measure"),
    # SIG (seed 002): the police's priority list, the cohorts with a coach, status notes
    path("<int:pk>/sig/", sig_views.sig_list, name="sig_list"),
    path("<int:pk>/sig/add/", sig_views.sig_add, name="sig_add"),
    path("<int:pk>/sig/cohort/", sig_views.sig_cohort_new, name="sig_cohort_new"),
    path("sig/coached/", sig_views.sig_coached, name="sig_coached"),
    path("sig/cohorts/<int:pk>/end/", sig_views.sig_cohort_end, name="sig_cohort_end"),
    path("sig/<int:pk>/", sig_views.sig_entry, name="sig_entry"),
    path("sig/<int:pk>/offer/", sig_views.sig_offer, name="sig_offer"),
    path("sig/<int:pk>/answer/", sig_views.sig_answer, name="sig_answer"),
    path("sig/<int:pk>/take-in/", sig_views.sig_take_in, name="sig_take_in"),
    path("sig/<int:pk>/status/", sig_views.sig_status, name="sig_status"),
    path("sig/<int:pk>/close/", sig_views.sig_close, name="sig_close"),
]
