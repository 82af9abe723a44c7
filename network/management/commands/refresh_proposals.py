from django.core.management.base import BaseCommand

from network.proposals.engine import proposals_refresh


class Command(BaseCommand):
    help = (
        "Recompute proposed joint events from the data: open proposals are updated, "
        "dismissed ones stay dismissed, accepted ones keep their event. Also runs after "
        "every import_network / seed_demo."
    )

    def handle(self, *args, **options):
        result = proposals_refresh()
        self.stdout.write(
            f"Proposals refreshed: {result['created']} new, {result['updated']} updated, "
            f"{result['removed']} removed."
        )
