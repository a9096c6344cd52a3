"""Editor forms: the checks a faculty author meets when saving a course."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


def prerequisite_cycle(course_pk, chosen_prerequisites):
    """The chain of courses that would lead back to ``course_pk``, or None.

    Follows the prerequisites saved in the database from each chosen course.
    One query per level of depth, never one per course.
    """
    from courses.models import CoursePage

    chosen = {course.pk: course for course in chosen_prerequisites}
    if course_pk is None:
        return None
    if course_pk in chosen:
        return [chosen[course_pk]]
    through = CoursePage.prerequisites.through
    came_from = dict.fromkeys(chosen)
    frontier = set(chosen)
    while frontier:
        edges = through.objects.filter(from_coursepage_id__in=frontier).values_list(
            "from_coursepage_id", "to_coursepage_id"
        )
        next_frontier = set()
        for course_id, prerequisite_id in edges:
            if prerequisite_id in came_from:
                continue
            came_from[prerequisite_id] = course_id
            if prerequisite_id == course_pk:
                chain, step = [], course_id
                while step is not None:
                    chain.append(step)
                    step = came_from[step]
                titles = dict(CoursePage.objects.filter(pk__in=chain).values_list("pk", "title"))
                return [titles[pk] for pk in reversed(chain)]
            next_frontier.add(prerequisite_id)
        frontier = next_frontier
    return None


class CoursePageForm(WagtailAdminPageForm):
    @staticmethod
    def checkboxes():
        return forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "life_stages" in self.fields:
            self.fields["life_stages"].error_messages["required"] = _(
                "Choose at least one life stage: learners find courses by their stage of life."
            )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("cover_image")
            and not (cleaned_data.get("cover_image_alt") or "").strip()
        ):
            self.add_error(
                "cover_image_alt",
                _("Describe the cover image for people who cannot see it (alternative text)."),
            )
        prerequisites = cleaned_data.get("prerequisites")
        if prerequisites:
            cycle = prerequisite_cycle(self.instance.pk, prerequisites)
            if cycle is not None:
                self.add_error(
                    "prerequisites",
                    _(
                        "These prerequisites would form a circle: %(chain)s would require "
                        "this course before itself."
                    )
                    % {"chain": " → ".join(str(step) for step in cycle)},
                )
        self._check_competency_levels()
        return cleaned_data

    def _check_competency_levels(self):
        formset = self.formsets.get("competencies")
        if formset is None:
            return
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            competency, level = form.cleaned_data.get("competency"), form.cleaned_data.get("level")
            if competency and level:
                levels = set(competency.levels.values_list("level", flat=True))
                if level not in levels:
                    form.add_error(
                        "level",
                        _("%(competency)s has levels %(levels)s.")
                        % {
                            "competency": competency,
                            "levels": ", ".join(str(number) for number in sorted(levels)),
                        },
                    )
