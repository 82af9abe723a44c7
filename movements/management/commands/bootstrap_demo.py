"""``manage.py bootstrap_demo`` (run by ``make run``): demo data and a demo admin.

Loads the demo network when the directory has no movements yet; then, in development only
(``DJANGO_DEBUG`` on), makes sure a superuser ``admin`` with the public password
``coalition-demo`` exists. An existing ``admin`` keeps its password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from movements.models import Movement

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "coalition-demo"
ADMIN_URL = "http://127.0.0.1:8000/admin/"


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
