"""Root URLs.

Human pages live under the language prefix (Japanese without one, /en/, /pt-br/
...). Machine endpoints never have one: the CMS, xAPI, badge JSON-LD, public
keys, calendar feeds, documents, H5P files and the health check.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home.views import health_check
from learners import badge_views, xapi_views
from learners import views as learners_views
from opportunities import calendar_views, offer_views, profile_views
from search import views as search_views

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", health_check, name="health_check"),
    path("h5p/", include("courses.h5p.urls")),
    path("xapi/statements", xapi_views.statements, name="xapi_statements"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("badges/", include("learners.badge_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("me/matching-profile/", profile_views.edit_matching_profile, name="matching_profile"),
    path("me/offers/", offer_views.my_offers, name="my_offers"),
    path("me/offers/<int:offer_id>/answer/", offer_views.answer_offer, name="answer_offer"),
    path(
        "me/places/<int:placement_id>/give-back/",
        offer_views.give_back_place,
        name="give_back_place",
    ),
    path("me/calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path(
        "me/placements/<int:placement_id>.ics",
        calendar_views.placement_ics,
        name="placement_ics",
    ),
    path("me/", include("learners.urls")),
    path("checkin/<str:token>/", learners_views.check_in, name="check_in"),
    path("badges/verify/", badge_views.verify, name="verify_badge"),
    path("search/", search_views.search, name="search"),
    # Only /curriculum/competencies/…: /curriculum/ itself is a page of the tree.
    path("curriculum/", include("curriculum.urls")),
    path("opportunities/", include("opportunities.urls")),
    # Wagtail serves every other path from the page tree: keep it last.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
