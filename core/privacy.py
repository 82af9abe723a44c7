"""When a people-count may be shown (PRODUCT.md, "Privacy"), decided in one place.

Who belongs to which group is sensitive, so a count of people below the disclosure
threshold (``COALITION_MIN_DISCLOSED_COUNT``, 5 by default) is withheld from everyone but
curators: pages say "fewer than 5 people", JSON says ``null``. Every template tag,
serializer, the map, overlaps and insights ask here; none compares with the threshold
itself.
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import ngettext

from core.conf import app_settings


def threshold() -> int:
    """The smallest people-count shown to everyone."""
    return app_settings.MIN_DISCLOSED_COUNT


def withheld(count: int | None, *, curator: bool) -> bool:
    """Whether ``count`` people must be hidden from this viewer."""
    return not curator and int(count or 0) < threshold()


def disclosed(count: int | None, *, curator: bool) -> int | None:
    """The count as this viewer may see it: the number, or ``None`` when withheld."""
    return None if withheld(count, curator=curator) else int(count or 0)


def fewer_than(noun: str = "people") -> str:
    """What a withheld count reads as: "fewer than 5 people"."""
    return f"fewer than {threshold()} {noun}".rstrip()


def people_label(count: int | None, *, curator: bool) -> str:
    """ "12 people", "1 person", or "fewer than 5 people" when withheld from this viewer."""
    if withheld(count, curator=curator):
        return fewer_than()
    count = int(count or 0)
    return f"{intcomma(count)} {ngettext('person', 'people', count)}"
