"""Build the Komatsu demo: python manage.py load_demo_data [--seed N] [--learners N].

Re-runnable: what exists already is left alone, so a second run adds nothing.
Everything is made through the same services real users go through. Later
parts of the platform add their own steps here.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand

from courses import demo as courses_demo
from courses.demo.content import load_courses
from curriculum.services import ensure_curriculum_reference_data
from home.management.progress import ProgressBar
from home.services import ensure_site_structure
from learners import demo as learners_demo
from learners.demo_records import create_demo_learning_records
from learners.services.reference_data import ensure_learner_reference_data
from opportunities import demo as opportunities_demo
from opportunities.demo_service import create_demo_service


class Command(BaseCommand):
    help = "Load the Komatsu demo (pages, roles, demo accounts, learners). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2019, help="Random seed (default 2019).")
        parser.add_argument(
            "--learners", type=int, default=60, help="How many demo learners (default 60)."
        )
        parser.add_argument(
            "--courses",
            type=int,
            default=None,
            help=f"How many of the {len(load_courses())} demo courses (default all).",
        )
        parser.add_argument(
            "--random-staff-passwords",
            action="store_true",
            help=(
                "Give every demo account that can use the admin its own random password,"
                " printed once (for a deployed demo; bin/release uses it). Learner accounts"
                " keep the shared demo password."
            ),
        )

    def handle(self, *_args, seed, learners, courses, random_staff_passwords, **_options):
        rng = learners_demo.new_random(seed)
        steps = 7
        self.stdout.write(self.style.MIGRATE_HEADING(f"Loading the Manabi demo (seed {seed})"))

        self.stdout.write(f"[1/{steps}] Pages, locales and site")
        ensure_site_structure()

        self.stdout.write(f"[2/{steps}] Reference data: life stages, SDGs, districts, roles")
        ensure_curriculum_reference_data()
        ensure_learner_reference_data()

        # Hash the shared demo password once instead of once per account.
        password_hash = make_password(learners_demo.DEMO_PASSWORD)

        self.stdout.write(f"[3/{steps}] Demo accounts, one per role")
        accounts = learners_demo.create_demo_accounts(
            rng, password_hash=password_hash, random_staff_passwords=random_staff_passwords
        )

        self.stdout.write(f"[4/{steps}] Demo learners")
        progress = ProgressBar(self.stdout, "learners", learners)
        created = learners_demo.create_demo_learners(
            rng, learners, on_progress=progress.advance, password_hash=password_hash
        )
        progress.finish()

        self.stdout.write(
            f"[5/{steps}] Curriculum: courses and lessons written by the demo faculty author "
            "and approved through 大学監修"
        )
        users = get_user_model().objects.in_bulk(["faculty", "supervisor"], field_name="username")
        progress = ProgressBar(self.stdout, "courses", len(load_courses()[:courses]))
        curriculum = courses_demo.build_demo_curriculum(
            author_user=users["faculty"],
            supervisor_user=users["supervisor"],
            on_progress=progress.advance,
            course_limit=courses,
        )
        progress.finish()

        self.stdout.write(f"[6/{steps}] Learning records: lessons, quiz results, field visits")
        people = get_user_model().objects.filter(username__startswith="demo-learner-").count() + 1
        progress = ProgressBar(self.stdout, "learners", people)
        # Its own generator, so that earlier steps skipping what exists cannot change it.
        with_records = create_demo_learning_records(
            learners_demo.new_random(f"{seed}-learning-records"), on_progress=progress.advance
        )
        progress.finish()

        self.stdout.write(
            f"[7/{steps}] Local activities: organisations, opportunities and matching profiles"
        )
        progress = ProgressBar(self.stdout, "items", opportunities_demo.progress_total())
        activities = opportunities_demo.create_demo_opportunities(
            learners_demo.new_random(f"{seed}-opportunities"), on_progress=progress.advance
        )
        progress.finish()
        self.stdout.write("  From proposals to action: a matching run, offers and answers, hours")
        service = create_demo_service()

        self.stdout.write("")
        if random_staff_passwords:
            heading = (
                "Demo ready. Accounts (staff accounts have their own password, shown once"
                f" here; the others share the demo password {learners_demo.DEMO_PASSWORD}):"
            )
        else:
            heading = (
                "Demo ready. Accounts (password for all of them:"
                f" {learners_demo.DEMO_PASSWORD}, demo only):"
            )
        self.stdout.write(self.style.SUCCESS(heading))
        for account, was_created, one_time_password in accounts:
            note = "" if was_created else " (already there)"
            if one_time_password:
                note += f"  password: {one_time_password}"
            elif random_staff_passwords and learners_demo.can_use_admin(account):
                note += "  password: unchanged (not the public demo password)"
            role = "Administrator" if account.staff_superuser else account.role
            self.stdout.write(
                f"  {role:<22} {account.username:<12} "
                f"{learners_demo.demo_email(account.username)}{note}"
            )
        self.stdout.write(
            f"  {created} new demo learners (demo-learner-001 ... demo-learner-{learners:03d})."
        )
        self.stdout.write(
            f"  {curriculum['courses']} new courses, "
            f"{curriculum['programmes']} new stage programmes, {curriculum['badges']} new badges."
        )
        self.stdout.write(f"  {with_records} learners with new learning records.")
        self.stdout.write(
            f"  {activities['organisations']} new organisations, "
            f"{activities['opportunities']} new opportunities ({activities['shifts']} shifts), "
            f"{activities['profiles']} new matching profiles, "
            f"{activities['placements']} placements; "
            f"{activities['open_to_offers']} graduates open to offers."
        )
        self.stdout.write(
            f"  {service['offers']} new offers: {service['accepted']} accepted, "
            f"{service['waitlisted']} on a waitlist; {service['hours']} hours of service "
            "approved for the demo learner (an offer waits for them at /me/offers/)."
        )
        self.stdout.write("Open http://127.0.0.1:8000/ (English: /en/, admin: /cms/).")
