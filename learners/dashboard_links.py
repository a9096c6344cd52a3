"""Cards that later apps add to the learner's dashboard (/me/).

learners may not import the apps built on it, so they register here instead, from their
``AppConfig.ready()``: a provider is called with the signed-in user and returns a
``DashboardLink``, or None to show nothing for that user. The dashboard shows the cards
in the order their providers were registered; ``urgent`` ones (something waiting for the
learner's answer) come first, above everything else on the page.
"""

from typing import NamedTuple


class DashboardLink(NamedTuple):
    title: str  # the card's heading
    description: str  # a sentence or two: what it is, and its state for this user
    url: str
    action: str  # the link's text, e.g. "Edit my matching profile"
    urgent: bool = False  # waiting for the learner: shown at the top of /me/


_providers = []


def register(provider):
    """Add ``provider(user) -> DashboardLink | None``; registering it again does nothing."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(user):
    return [link for provider in _providers if (link := provider(user)) is not None]
