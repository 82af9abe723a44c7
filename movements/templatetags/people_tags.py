"""Template helpers for the public directory.

``{% people_count n %}`` is the one way a people-count reaches a page: curators (staff
users) see the exact number; everyone else sees "fewer than N people" below
``COALITION_MIN_DISCLOSED_COUNT`` (PRODUCT.md, Privacy).
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import ngettext

from core.conf import app_settings

register = template.Library()


def disclosed_people_count(count: int, *, is_curator: bool) -> str:
    """The people-count as shown to a viewer: exact for curators, suppressed when small."""
    threshold = app_settings.MIN_DISCLOSED_COUNT
    if count < threshold and not is_curator:
        return f"fewer than {threshold} people"
    noun = ngettext("person", "people", count)
    return f"{intcomma(count)} {noun}"


@register.simple_tag(takes_context=True)
def people_count(context, count) -> str:
    """Render ``count`` people for the current viewer (see ``disclosed_people_count``)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return disclosed_people_count(
        int(count or 0), is_curator=bool(user and user.is_active and user.is_staff)
    )
