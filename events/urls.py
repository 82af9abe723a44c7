"""Public event pages and organizer event management."""

app_name = "events"

urlpatterns = []
