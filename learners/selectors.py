"""Reads of a person's record that need care (joins, counts)."""

from learners.models import LearnerProfile


def learner_profile_for(user):
    """The user's profile with what its pages show, or None if they have none yet."""
    return (
        LearnerProfile.objects.select_related("district", "user")
        .prefetch_related("languages", "interests")
        .filter(user=user)
        .first()
    )
