from core.conf import app_settings
from core.roles import is_curator


def coalition(request):
    """The disclosure threshold (help text) and whether the viewer is a curator (the admin
    link, exact-count notes): templates ask these instead of reading ``user.is_staff``."""
    return {
        "MIN_DISCLOSED_COUNT": app_settings.MIN_DISCLOSED_COUNT,
        "viewer_is_curator": is_curator(getattr(request, "user", None)),
    }
