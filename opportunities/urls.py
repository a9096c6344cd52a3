from django.urls import path

from opportunities import public_views

app_name = "opportunities"

urlpatterns = [
    path("", public_views.opportunity_list, name="list"),
    path("<int:pk>/", public_views.opportunity_detail, name="detail"),
]
