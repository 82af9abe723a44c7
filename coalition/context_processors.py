from django.conf import settings


def coalition(request):
    """Expose the disclosure threshold to templates (used in help text)."""
    return {"MIN_DISCLOSED_COUNT": settings.COALITION_MIN_DISCLOSED_COUNT}
