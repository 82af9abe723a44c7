"""Template helpers for the public directory.

``{% people_count n %}`` is the one way a people-count reaches a page: curators see the
exact number; everyone else sees "fewer than N people" below the disclosure threshold
(``core.privacy``; PRODUCT.md, Privacy).
"""

from django import template

from core.privacy import people_label
from core.roles import is_curator

register = template.Library()


@register.simple_tag(takes_context=True)
def people_count(context, count) -> str:
    """Render ``count`` people for the current viewer (``core.privacy.people_label``)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return people_label(count, curator=is_curator(user))
