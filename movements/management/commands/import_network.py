"""``manage.py import_network FILE.json``: load the whole network from one document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from movements.exchange import NetworkImportError, loads, network_import


class Command(BaseCommand):
    help = (
        "Import the network from a JSON document (the format export_network writes): the "
        "directory, events and their RSVPs, proposal decisions. All or nothing: records are "
        "matched by slug (members by key, RSVPs by event and member), RSVPs are never "
        "deleted, no mail is sent, and an error names the bad record and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The JSON document to import.")

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: is not UTF-8 text (byte {exc.start}: {exc.reason}). "
                "Nothing was imported."
            ) from None
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read: {exc}") from None
        try:
            summary = network_import(document=loads(text))
        except NetworkImportError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from None
        self.stdout.write(str(summary))
