"""``manage.py seed_demo [--scale N]``: load the demo Bay Area network (idempotent)."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from movements.demo import SCALE_HELP, demo_document, demo_extras_seed, with_attendance
from movements.exchange import NetworkImportError, network_import


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Load the demo San Francisco Bay Area network: movements, organizations, people and "
        "their engagement histories, through the same import as import_network; then joint "
        "events with RSVPs and check-ins, a pending co-host invitation and a pending "
        "organizer request, dated from the day of the first seed. Running it again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=_positive, default=1, help=SCALE_HELP)

    def handle(self, *args, scale: int, **options):
        if scale < 1:  # call_command(scale=…) skips the argument parser
            raise CommandError(f"--scale must be a whole number of 1 or more, not {scale!r}.")
        document = demo_document(scale)
        members = document["members"]
        size = (
            f"{len(document['movements'])} movements, "
            f"{len(document['organizations'])} organizations, {len(members)} people, "
            f"{sum(len(m['engagements']) for m in members)} engagements"
        )
        try:
            summary = network_import(document=with_attendance(document))
        except NetworkImportError as exc:  # a bug in movements/demo.py, not user input
            raise CommandError(f"The demo document does not import: {exc}") from None
        if summary.changed:
            rows = [counts for _, counts in summary.items()]
            created = sum(c.created for c in rows)
            changed = sum(c.updated + c.removed for c in rows)
            outcome = f"{created} rows created, {changed} updated or removed"
        else:
            outcome = "already loaded, nothing changed"
        self.stdout.write(f"Demo network (scale {scale}): {size}; {outcome}.")
        for line in demo_extras_seed(scale=scale, today=timezone.localdate()):
            self.stdout.write(line)
