from django.urls import path

from learners import views

app_name = "learners"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.edit_profile, name="profile"),
    path("courses/<uuid:course_key>/enrol/", views.enrol, name="enrol"),
]
