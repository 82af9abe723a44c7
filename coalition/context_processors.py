from core.conf import app_settings


def coalition(request):
    """Expose the disclosure threshold to templates (used in help text)."""
    return {"MIN_DISCLOSED_COUNT": app_settings.MIN_DISCLOSED_COUNT}
