"""Signals other parts of the platform listen to (badges, the portfolio)."""

from django.dispatch import Signal

# Sent once per learner and course, after the completion is committed:
# sender=CourseCompletion, user, course_key, completion.
course_completed = Signal()
