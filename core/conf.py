"""Coalition's own settings in one object: ``app_settings``.

Every setting the apps read is declared once, in ``SETTINGS`` below, with its default and
the values it accepts; code reads it as ``app_settings.PAGE_SIZE`` for the Django setting
``COALITION_PAGE_SIZE``. No other module names a default or reads ``settings.COALITION_*``.

**Reading.** A value is read from Django's settings at first use and kept. Django's
``setting_changed`` signal (sent by ``override_settings`` and by pytest-django's
``settings`` fixture) drops the kept value, so tests can change any setting.

**Nested settings** (``COALITION_OVERLAP``, ``COALITION_INSIGHTS``,
``COALITION_PROPOSALS``) are dicts whose keys given replace the defaults of those keys only
(``COALITION_OVERLAP["WEIGHTS"]`` likewise, one weight at a time); any other key is an
error. They read as read-only mappings: ``app_settings.OVERLAP["WINDOW_DAYS"]``.

**Validation.** ``core/checks.py`` turns every bad value into a system check error, once,
at startup (``manage.py check``, ``runserver``, ``migrate``): ``coalition.E001`` a value of
the wrong kind, ``E002`` a number out of range, ``E003`` an unknown key in a nested
setting, ``E004`` overlap weights that are all zero, ``E005`` a site URL that is not an
absolute http(s) URL; ``coalition.W001`` warns of a ``COALITION_*`` setting that does not
exist (a typo). Code reading the object may assume valid values. A process that starts
without the checks (a WSGI server does not run them) and reads an invalid setting anyway
gets ``ImproperlyConfigured`` naming it, never a silent default.

**The environment.** ``coalition/settings.py`` stays the one place that reads it, and
holds no default of these: it sets a ``COALITION_*`` Django setting only when its
environment variable is set (``COALITION_OVERLAP_WINDOW_DAYS`` becomes
``COALITION_OVERLAP = {"WINDOW_DAYS": …}``) and passes the variable's text on unparsed.
This module parses it (a number setting takes a number or its text) and checks it, so the
default lives here alone and a bad environment value is reported by the system check like
any other. This module imports no project app and not the settings module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

PREFIX = "COALITION_"

WRONG_TYPE = "coalition.E001"
OUT_OF_RANGE = "coalition.E002"
UNKNOWN_KEY = "coalition.E003"
NO_WEIGHT = "coalition.E004"
BAD_URL = "coalition.E005"
UNKNOWN_SETTING = "coalition.W001"


@dataclass(frozen=True)
class Problem:
    """One bad value: ``id`` is a check id above, ``message`` names setting and value."""

    id: str
    message: str
    hint: str | None = None


class Invalid(Exception):
    """Raised by a spec's ``parse()``: the value is refused, for ``message``."""

    def __init__(self, id: str, message: str):
        super().__init__(message)
        self.id = id
        self.message = message


class Spec:
    """How one setting is read: its ``default`` and ``parse()``, which returns the value
    to use or raises ``Invalid``."""

    default: Any

    def parse(self, value: Any) -> Any:
        raise NotImplementedError

    def clean(self, value: Any, name: str, problems: list[Problem]) -> Any:
        """``value`` parsed; on failure a problem naming ``name`` and the default."""
        try:
            return self.parse(value)
        except Invalid as invalid:
            problems.append(
                Problem(
                    invalid.id,
                    f"{name} {invalid.message}, got {value!r}.",
                    hint=f"The default is {_plain(self.default)!r}.",
                )
            )
            return self.default


def _number_text(value: Any, convert) -> Any:
    """Text (an environment variable's value) as a number; anything else as it is."""
    if isinstance(value, str):
        try:
            return convert(value.strip())
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number of at least ``minimum``."""

    default: int
    minimum: int

    def parse(self, value: Any) -> int:
        value = _number_text(value, int)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(WRONG_TYPE, "must be a whole number")
        if value < self.minimum:
            raise Invalid(OUT_OF_RANGE, f"must be at least {self.minimum}")
        return value


@dataclass(frozen=True)
class Boolean(Spec):
    """True or False; from the environment "1"/"true"/"yes"/"on" or "0"/"false"/"no"/"off"."""

    default: bool

    def parse(self, value: Any) -> bool:
        if isinstance(value, str):
            value = {"1": True, "true": True, "yes": True, "on": True}.get(
                value.strip().lower(),
                {"0": False, "false": False, "no": False, "off": False, "": False}.get(
                    value.strip().lower(), value
                ),
            )
        if not isinstance(value, bool):
            raise Invalid(WRONG_TYPE, "must be true or false")
        return value


@dataclass(frozen=True)
class Number(Spec):
    """A finite number from ``minimum`` (excluded when ``positive``) to ``maximum``."""

    default: float
    minimum: float = 0
    maximum: float | None = None
    positive: bool = False

    def parse(self, value: Any) -> float:
        value = _number_text(value, float)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(WRONG_TYPE, "must be a number")
        if not math.isfinite(value):
            raise Invalid(OUT_OF_RANGE, "must be a finite number")
        if self.positive and value <= self.minimum:
            raise Invalid(OUT_OF_RANGE, f"must be greater than {self.minimum}")
        if value < self.minimum:
            raise Invalid(OUT_OF_RANGE, f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise Invalid(OUT_OF_RANGE, f"must be at most {self.maximum}")
        return value


@dataclass(frozen=True)
class Fraction(Number):
    """A number from 0 to 1."""

    maximum: float | None = 1


@dataclass(frozen=True)
class Bounds(Spec):
    """A pair ``(low, high)`` of whole numbers with ``minimum ≤ low ≤ high``."""

    default: tuple[int, int]
    minimum: int

    def parse(self, value: Any) -> tuple[int, int]:
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or any(isinstance(n, bool) or not isinstance(n, int) for n in value)
        ):
            raise Invalid(WRONG_TYPE, "must be a pair of whole numbers (low, high)")
        low, high = value
        if not self.minimum <= low <= high:
            raise Invalid(OUT_OF_RANGE, f"must have {self.minimum} ≤ low ≤ high")
        return (low, high)


@dataclass(frozen=True)
class SiteURL(Spec):
    """An absolute http(s) URL; kept without a trailing slash (paths are appended)."""

    default: str

    def parse(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(WRONG_TYPE, "must be a URL (text)")
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid(BAD_URL, "must be an absolute http:// or https:// URL")
        if parts.query or parts.fragment:
            raise Invalid(BAD_URL, "must not carry a query or a fragment")
        return value.strip().rstrip("/")


@dataclass(frozen=True)
class Group(Spec):
    """A dict of named settings: the keys given replace those defaults, others stay."""

    fields: dict[str, Spec]

    @property
    def default(self) -> Mapping[str, Any]:
        return MappingProxyType({key: spec.default for key, spec in self.fields.items()})

    def clean(self, value: Any, name: str, problems: list[Problem]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            problems.append(
                Problem(WRONG_TYPE, f"{name} must be a dict, got {value!r}.", hint=self._hint())
            )
            return self.default
        for key in value:
            if key not in self.fields:
                problems.append(
                    Problem(UNKNOWN_KEY, f"{name} has an unknown key {key!r}.", self._hint())
                )
        return MappingProxyType(
            {
                key: spec.clean(value[key], f"{name}[{key!r}]", problems)
                if key in value
                else spec.default
                for key, spec in self.fields.items()
            }
        )

    def _hint(self) -> str:
        return f"Its keys are {', '.join(self.fields)}."


@dataclass(frozen=True)
class Weights(Group):
    """A ``Group`` of weights: each at least 0, not all 0."""

    def clean(self, value: Any, name: str, problems: list[Problem]) -> Mapping[str, Any]:
        before = len(problems)
        weights = super().clean(value, name, problems)
        if len(problems) == before and not sum(weights.values()) > 0:
            problems.append(
                Problem(
                    NO_WEIGHT,
                    f"{name} must not all be 0, got {_plain(weights)!r}.",
                    hint="Give at least one component a weight above 0.",
                )
            )
        return weights


def _plain(value: Any) -> Any:
    """A read-only mapping as a plain dict, for messages."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


SETTINGS: dict[str, Spec] = {
    # People-counts shown to anyone but curators are suppressed below this number and
    # shown as "fewer than N" (PRODUCT.md, Privacy).
    "MIN_DISCLOSED_COUNT": Integer(5, minimum=0),
    # Rows per directory page.
    "PAGE_SIZE": Integer(20, minimum=1),
    # Absolute links in mail and calendar files.
    "SITE_URL": SiteURL("http://127.0.0.1:8000"),
    # Overlaps (network/overlaps.py documents each part): the look-back window for shared
    # members, in days, and the weights of the score's components (normalised to sum to 1;
    # their order is the order of the components).
    "OVERLAP": Group(
        {
            "WINDOW_DAYS": Integer(3 * 365, minimum=1),
            "WEIGHTS": Weights(
                {
                    "members": Number(0.30),
                    "organizations": Number(0.20),
                    "themes": Number(0.20),
                    "tactics": Number(0.15),
                    "regions": Number(0.10),
                    "sector": Number(0.05),
                }
            ),
        }
    ),
    # The map draws each movement's strongest overlaps only, so 300 movements stay readable.
    "MAP_EDGES_PER_NODE": Integer(5, minimum=1),
    # Life of a cached overlap result in seconds (replaced sooner on any write); 0: off.
    "CACHE_SECONDS": Integer(300, minimum=0),
    # Life of a cached public page for anonymous visitors, in seconds; 0: off.
    "PAGE_CACHE_SECONDS": Integer(60, minimum=0),
    # Whether cached pages say how they were made (X-Coalition-Cache: hit|miss). The header
    # tells anyone when a page last changed, so it is for development: off unless DEBUG
    # (coalition/settings.py) or set.
    "CACHE_HEADER": Boolean(False),
    # How long an RSVP waits for the event's row lock, in seconds.
    "LOCK_TIMEOUT_SECONDS": Number(5, positive=True),
    # RSVPs without an account (and "send me my link again") taken in an hour from one IP
    # address and for one email address; more answer 429. A room full of people on one
    # network must still be able to RSVP, so the IP limit is the looser one.
    "RSVP_PER_IP_PER_HOUR": Integer(30, minimum=1),
    "RSVP_PER_EMAIL_PER_HOUR": Integer(5, minimum=1),
    # How many proxies stand in front of the app and append to X-Forwarded-For: the client
    # address throttles count by is that many entries from the right. 0 (no proxy): the
    # connection's own address (REMOTE_ADDR); behind one proxy every client would otherwise
    # share the proxy's address and its limit.
    "PROXY_COUNT": Integer(0, minimum=0),
    # How many messages an event's organizers may send its people in any 24 hours.
    "EVENT_MESSAGES_PER_DAY": Integer(3, minimum=1),
    # Check-in opens this many minutes before an event starts (it closes three days after
    # the event ends: events/services.py, CHECK_IN_CLOSES_AFTER).
    "CHECK_IN_OPENS_MINUTES": Integer(60, minimum=0),
    # Follow-through (network/followthrough.py): how many days after a joint event an
    # attendee's new engagement in one of its other movements counts as crossing over.
    "FOLLOW_THROUGH_DAYS": Integer(180, minimum=1),
    # A pair of movements whose joint events' crossing rate reaches this (with enough
    # attendees to show) gets a follow-up proposal (network/proposals/engine.py).
    "FOLLOW_UP_RATE": Fraction(0.2),
    # Engagement insights' thresholds (network/insights/measures.py documents each).
    "INSIGHTS": Group(
        {
            "EARLY_DROPOFF_DAYS": Integer(182, minimum=1),
            "RETENTION_AFTER_DAYS": Integer(182, minimum=1),
            "STRETCH_HIGH": Number(2.0),
            "LOW_RETENTION": Fraction(0.5),
            "STEADY_TENURE_DAYS": Integer(730, minimum=0),
            "STEADY_DROPOFF_MAX": Fraction(0.25),
        }
    ),
    # The proposal engine's rules (network/proposals/engine.py documents each).
    "PROPOSALS": Group(
        {
            "MAX_POTLUCK_TIES": Fraction(0.5),
            "SECTOR_BONUS": Fraction(0.15),
            "PANEL_SIZE": Bounds((3, 5), minimum=2),
            "CONFERENCE_MAX_SIZE": Integer(5, minimum=2),
            "HOSTS_PER_MOVEMENT": Integer(2, minimum=1),
            # Follow-through back into proposals (network/proposals/engine.py): a follow-up
            # proposal (a pair whose joint events' crossing rate reaches FOLLOW_UP_RATE)
            # scores its pair's bridge potential plus this (capped at 1), so it ranks above
            # the pair's first-time potluck.
            "FOLLOW_UP_BONUS": Fraction(0.25),
            # A pair with two or more measured joint events and nobody crossed: each
            # proposal joining it loses this, shared among the proposal's pairs (a potluck
            # loses all of it), never below 0.
            "NO_CROSSERS_MALUS": Fraction(0.25),
        }
    ),
}

#: Every setting's default, e.g. ``DEFAULTS["OVERLAP"]["WEIGHTS"]``.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {name: spec.default for name, spec in SETTINGS.items()}
)


def read(name: str, problems: list[Problem]) -> Any:
    """The value of the setting ``name`` (without the prefix): Django's setting parsed,
    or the default when it is not set; each problem found is added to ``problems``."""
    spec = SETTINGS[name]
    full_name = PREFIX + name
    if not hasattr(settings, full_name):
        return spec.default
    return spec.clean(getattr(settings, full_name), full_name, problems)


class AppSettings:
    """The settings in ``SETTINGS`` as attributes, each read once and kept (as an instance
    attribute, so later reads cost a plain attribute lookup) until ``reload()``."""

    def __getattr__(self, name: str) -> Any:
        if name not in SETTINGS:
            raise AttributeError(f"No Coalition setting {name!r}.")
        problems: list[Problem] = []
        value = read(name, problems)
        if problems:
            raise ImproperlyConfigured(
                " ".join(problem.message for problem in problems)
                + " (manage.py check lists every problem.)"
            )
        setattr(self, name, value)
        return value

    def reload(self, name: str | None = None) -> None:
        """Forget the kept value of ``name`` (every setting when ``None``)."""
        for key in SETTINGS if name is None else (name,):
            self.__dict__.pop(key, None)

    def problems(self) -> list[Problem]:
        """Every problem of every setting, read afresh (for the system check)."""
        problems: list[Problem] = []
        for name in SETTINGS:
            read(name, problems)
        return problems


app_settings = AppSettings()


def _setting_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith(PREFIX):
        app_settings.reload(setting.removeprefix(PREFIX))


setting_changed.connect(_setting_changed, dispatch_uid="coalition-app-settings")
