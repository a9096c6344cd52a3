"""Open Badges 2.0 hosted URLs: stable, outside the language prefix."""

from django.urls import path

from learners import badge_views

app_name = "open_badges"

urlpatterns = [
    path("issuer", badge_views.issuer, name="issuer"),
    path("issuer/image.png", badge_views.issuer_image, name="issuer_image"),
    path("classes/<uuid:uuid>", badge_views.badge_class, name="badge_class"),
    path("classes/<uuid:uuid>/image.png", badge_views.badge_image, name="badge_image"),
    path("assertions/<uuid:uuid>", badge_views.assertion, name="assertion"),
]
