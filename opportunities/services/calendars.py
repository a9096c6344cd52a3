"""Each learner's private calendar feed address (``CalendarFeed``).

Whoever knows the token reads the learner's confirmed placements, so the address is
made on first use and only the learner themself can replace it; the old address then
stops working at once (404).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from learners.permissions import NotPermitted
from opportunities.models import CalendarFeed
from opportunities.models.offers import new_feed_token


def feed_for(user):
    """The user's CalendarFeed, made with a new token the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_feed(user, *, acting_user):
    """Give the user's feed a new token and return the feed; the old address then 404s.

    Only the user themself may reset it: anyone else raises NotPermitted and nothing
    changes.
    """
    if acting_user is None or acting_user.pk != user.pk:
        raise NotPermitted(_("Only the learner themself may reset their calendar address."))
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = feed_for(user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token"])
    return feed
