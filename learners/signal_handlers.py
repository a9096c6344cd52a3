"""learners listening to itself: a completed course may earn badges."""

from learners.signals import course_completed


def award_badges_on_completion(sender, user, course_key, completion=None, **kwargs):
    from learners.services.badges import award_badges_for_completion

    award_badges_for_completion(
        user, course_key, completed_at=completion.completed_at if completion else None
    )


def connect_signal_handlers():
    course_completed.connect(award_badges_on_completion, dispatch_uid="learners.award_badges")
