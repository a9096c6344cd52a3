"""Sections that later apps add to the learner's portfolio (/me/portfolio/) and transcript.

learners may not import the apps built on it, so they register here instead, from their
``AppConfig.ready()``: a provider is called with the learner and returns a
``PortfolioSection`` (hours served, say: their total, per organisation and per SDG, and
the timeline entries that put each activity among the courses and badges of its life
stage), or None to add nothing for that learner. Sections are shown in the order their
providers were registered. A provider takes a fixed number of queries.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone


def format_hours(hours):
    """2.50 → "2.5", 3.00 → "3", 10.00 → "10": hours as a person writes them."""
    return format(Decimal(hours).normalize(), "f")


@dataclass(frozen=True)
class HoursRow:
    label: str  # an organisation's name, an SDG's number and name...
    hours: Decimal

    @property
    def hours_text(self):
        return format_hours(self.hours)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime  # when it happened (aware), for the life stage and the order
    title: str
    organisation: str
    hours: Decimal

    @property
    def local_date(self):
        return timezone.localdate(self.at)

    @property
    def hours_text(self):
        return format_hours(self.hours)


@dataclass(frozen=True)
class PortfolioSection:
    title: str  # the section's heading, e.g. "Volunteer service"
    total_hours: Decimal
    by_organisation: tuple = ()  # HoursRow, most hours first
    by_sdg: tuple = ()  # HoursRow, in SDG order; an activity counts for each of its SDGs
    timeline: tuple = ()  # TimelineEntry, any order: the portfolio sorts them

    @property
    def total_hours_text(self):
        return format_hours(self.total_hours)


_providers = []


def register(provider):
    """Add ``provider(user) -> PortfolioSection | None``; registering it again does nothing."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(user):
    return [section for provider in _providers if (section := provider(user)) is not None]
