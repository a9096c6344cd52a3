from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("checkin/<str:token>/", views.check_in, name="check_in"),
]
