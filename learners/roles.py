"""The platform's roles and what each may do.

Each role is a Django group. Its model permissions are named as
``app_label.codename``; page permissions apply to the whole page tree (they are
granted on the tree root) and collection permissions to every image and
document collection. ``learners.services.reference_data.ensure_roles`` makes the
groups match this table; permissions for apps built later are added here as they
arrive. Code checks the permissions (``learners.permissions``), never a group's name.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from curriculum.supervision import SUPERVISOR_GROUP_NAME
from learners import permissions


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    description: str
    model_permissions: tuple = ()
    page_permissions: tuple = ()
    collection_permissions: tuple = ()


LEARNER = "Learner"
GUARDIAN = "Guardian"
TEACHER = "Teacher"
FACULTY_AUTHOR = "Faculty author"
CURRICULUM_SUPERVISOR = SUPERVISOR_GROUP_NAME
COORDINATOR = "Coordinator"
CITY_STAFF = "City staff"

ADMIN_ACCESS = ("wagtailadmin.access_admin",)
AUTHOR_MEDIA = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
# Library JavaScript in an H5P package runs in our origin: only trusted staff upload.
H5P_UPLOAD = (
    "courses.upload_h5ppackage",
    "courses.view_h5ppackage",
    "courses.delete_h5ppackage",
)
REFERENCE_VIEW = (
    "curriculum.view_lifestage",
    "curriculum.view_sustainabledevelopmentgoal",
    "curriculum.view_citytheme",
    "curriculum.view_competencyarea",
    "curriculum.view_competency",
    "curriculum.view_facultymember",
    "curriculum.view_supervisionapproval",
    "learners.view_district",
    "learners.view_spokenlanguage",
    "curriculum.view_badgedefinition",
    "learners.view_badgeaward",
)
COURSE_REPORTS = (permissions.VIEW_COURSE_REPORT, permissions.EXPORT_COURSE_REPORT)

# City staff answer residents who say a mail never came: they see the outbox and may
# send a failed mail again.
OUTBOX = ("outbox.view_outboxmessage", "outbox.resend_outboxmessage")

# Coordinators act for their own organisations only (opportunities.permissions); with
# ``act_for_all_organisations`` City staff act for every one, and add organisations.
COORDINATION = (
    "opportunities.view_organisation",
    "opportunities.change_organisation",
    "opportunities.view_opportunity",
    "opportunities.add_opportunity",
    "opportunities.change_opportunity",
    "opportunities.delete_opportunity",
    "opportunities.view_matchingrun",
    "opportunities.add_matchingrun",
    "opportunities.view_proposal",
    "opportunities.change_proposal",
)
CITY_COORDINATION = COORDINATION + (
    "opportunities.add_organisation",
    "opportunities.act_for_all_organisations",
)

ROLES = (
    Role(
        LEARNER,
        _("Learner"),
        _("Takes courses, earns badges and joins local activities."),
    ),
    Role(
        GUARDIAN,
        _("Guardian"),
        _("Manages the accounts of their children and gives consent for them."),
    ),
    Role(
        TEACHER,
        _("Teacher"),
        _("School staff who manage classes of child learners."),
    ),
    Role(
        FACULTY_AUTHOR,
        _("Faculty author"),
        _("Kanazawa University faculty who write curricula, courses and lessons."),
        model_permissions=ADMIN_ACCESS
        + REFERENCE_VIEW
        + COURSE_REPORTS
        + H5P_UPLOAD
        + ("curriculum.add_badgedefinition", "curriculum.change_badgedefinition"),
        page_permissions=("wagtailcore.add_page", "wagtailcore.change_page"),
        collection_permissions=AUTHOR_MEDIA,
    ),
    Role(
        CURRICULUM_SUPERVISOR,
        _("Curriculum supervisor"),
        _("University supervisors who review and approve curricula before publication."),
        model_permissions=ADMIN_ACCESS
        + REFERENCE_VIEW
        + COURSE_REPORTS
        + H5P_UPLOAD
        + (
            "curriculum.add_lifestage",
            "curriculum.change_lifestage",
            "curriculum.change_sustainabledevelopmentgoal",
            "curriculum.add_citytheme",
            "curriculum.change_citytheme",
            "curriculum.add_competencyarea",
            "curriculum.change_competencyarea",
            "curriculum.add_competency",
            "curriculum.change_competency",
            "curriculum.add_facultymember",
            "curriculum.change_facultymember",
            "curriculum.add_badgedefinition",
            "curriculum.change_badgedefinition",
            "curriculum.change_badgeissuer",
            "learners.add_badgeaward",
            "learners.change_badgeaward",
        ),
        page_permissions=(
            "wagtailcore.add_page",
            "wagtailcore.change_page",
            "wagtailcore.publish_page",
            "wagtailcore.lock_page",
            "wagtailcore.unlock_page",
        ),
        collection_permissions=AUTHOR_MEDIA,
    ),
    Role(
        COORDINATOR,
        _("Coordinator"),
        _("City, NPO and community staff who match graduates with local activities."),
        model_permissions=ADMIN_ACCESS + REFERENCE_VIEW + COURSE_REPORTS + COORDINATION,
        collection_permissions=("wagtailimages.add_image", "wagtailimages.choose_image"),
    ),
    Role(
        CITY_STAFF,
        _("City staff"),
        _("Komatsu City staff who watch the targets and keep the city's reference data."),
        model_permissions=ADMIN_ACCESS
        + REFERENCE_VIEW
        + COURSE_REPORTS
        + (permissions.VIEW_AUDIT_LOG,)
        + (
            "learners.add_district",
            "learners.change_district",
            "learners.add_spokenlanguage",
            "learners.change_spokenlanguage",
            "learners.add_badgeaward",
            "learners.change_badgeaward",
            "curriculum.change_badgeissuer",
        )
        + OUTBOX
        + CITY_COORDINATION,
        collection_permissions=("wagtailimages.choose_image", "wagtaildocs.choose_document"),
    ),
)

ROLES_BY_NAME = {role.name: role for role in ROLES}
