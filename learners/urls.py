from django.urls import path

from learners import credential_views, views

app_name = "learners"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.edit_profile, name="profile"),
    path("courses/<uuid:course_key>/enrol/", views.enrol, name="enrol"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/transcript.pdf", views.portfolio_transcript, name="portfolio_transcript"),
    path("portfolio/badges.json", views.portfolio_assertions, name="portfolio_assertions"),
    path("badges/seen/", views.badges_seen, name="badges_seen"),
    path("xapi-apps/", credential_views.xapi_credentials, name="xapi_credentials"),
    path("xapi-apps/<str:key>/revoke/", credential_views.revoke_xapi_app, name="revoke_xapi_app"),
    path("badges/<uuid:uuid>/badge.png", views.baked_badge, name="baked_badge"),
    path("badges/<uuid:uuid>/visibility/", views.badge_visibility, name="badge_visibility"),
]
