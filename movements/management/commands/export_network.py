"""``manage.py export_network [FILE.json]``: the whole network as one document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from movements.exchange import dumps, network_export


class Command(BaseCommand):
    help = (
        "Export the network as a JSON document that import_network reads back: the "
        "directory, events with their RSVPs and private link keys, and proposal decisions. "
        "Writes to FILE, or to standard output when no file is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="Where to write (default: stdout).")

    def handle(self, *args, file: Path | None = None, **options):
        document = network_export()
        text = dumps(document)
        if file is None:
            self.stdout.write(text, ending="")
            return
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{file}: cannot be written: {exc}") from None
        counts = ", ".join(
            f"{len(document[section])} {section}"
            for section in ("movements", "organizations", "members", "events")
        )
        self.stdout.write(f"Wrote {counts} to {file}.")
