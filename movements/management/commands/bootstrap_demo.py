"""``manage.py bootstrap_demo`` (run by ``make run``): demo data and a demo admin.

Loads the demo network when the directory has no movements yet; then, in development only
(``DJANGO_DEBUG`` on), makes sure a superuser ``admin`` with the public password
``coalition-demo`` exists, and beside it two demo people with the same password:
``organizer`` (organizes for the Fruitvale Garden Collective, on the food-justice side of
the Oakland potluck) and ``member`` (a fast-food worker in Fight for $15 Oakland, opted in
to invitations). An existing login keeps its password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from movements import demo
from movements.models import (
    Engagement,
    EngagementRole,
    EngagementSource,
    Member,
    Membership,
    MembershipRole,
    Movement,
    Organization,
)
from movements.verification import email_mark_verified

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "coalition-demo"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"

# username, name, organization they organize for (or None), movement they take part in
DEMO_PEOPLE = [
    ("organizer", "Demo Organizer", demo.STEADY_COLLECTIVE, demo.FOOD_JUSTICE),
    ("member", "Demo Member", None, demo.FIGHT_FOR_15),
]


class Command(BaseCommand):
    help = (
        "Load the demo network if the directory is empty and, with DJANGO_DEBUG on, create "
        f"the demo superuser '{DEMO_USERNAME}' (password '{DEMO_PASSWORD}') if missing."
    )

    def handle(self, *args, **options):
        if Movement.objects.exists():
            self.stdout.write("The directory already has movements; not loading the demo.")
        else:
            call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)

        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DJANGO_DEBUG is off: not creating the demo admin, whose password is "
                    "public. Create a real one with `manage.py createsuperuser`."
                )
            )
            return

        self._admin()
        for username, name, organization, movement in DEMO_PEOPLE:
            self._person(username, name, organization, movement)

    def _person(self, username: str, name: str, organization: str | None, movement: str):
        """A demo login with its Member: verified address, opted in to invitations, an
        ongoing engagement in ``movement`` and, for the organizer, an organizer membership
        of ``organization``. Made once; an existing login is left as it is."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            email = f"{username}@example.org"
            user = user_model.objects.create_user(
                username=username, email=email, password=DEMO_PASSWORD
            )
            member = Member.objects.create(
                key=f"demo-{username}", user=user, name=name, email=email, invites=True
            )
            email_mark_verified(member=member, email=email)
            today = timezone.localdate()
            found = Movement.objects.filter(slug=movement).first()
            if found is not None:
                Engagement.objects.create(
                    member=member,
                    movement=found,
                    role=EngagementRole.ORGANIZER if organization else EngagementRole.PARTICIPANT,
                    since=today,
                    source=EngagementSource.MANUAL,
                )
            found = Organization.objects.filter(slug=organization or "").first()
            if found is not None:
                Membership.objects.create(
                    member=member, organization=found, role=MembershipRole.ORGANIZER, since=today
                )
        elif not user.check_password(DEMO_PASSWORD):
            self.stdout.write(
                f"Demo {username}: {LOGIN_URL}  user {username}  (already exists; its "
                "password was changed and is left as it is)"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo {username}: {LOGIN_URL}  user {username}  password {DEMO_PASSWORD}"
            )
        )

    def _admin(self):
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user_model.objects.create_superuser(
                username=DEMO_USERNAME, email="admin@example.org", password=DEMO_PASSWORD
            )
        elif not user.check_password(DEMO_PASSWORD):
            self.stdout.write(
                f"Demo admin: {ADMIN_URL}  user {DEMO_USERNAME}  (already exists; its "
                "password was changed and is left as it is)"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: {ADMIN_URL}  user {DEMO_USERNAME}  password {DEMO_PASSWORD}"
            )
        )
