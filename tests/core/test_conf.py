"""The app settings object (core/conf.py) and its system check (core/checks.py)."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.checks import check_app_settings
from core.conf import DEFAULTS, SETTINGS, app_settings

NO_WEIGHTS = dict.fromkeys(DEFAULTS["OVERLAP"]["WEIGHTS"], 0)


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def test_valid_settings_give_no_check_messages():
    assert check_app_settings() == []


def test_every_setting_falls_back_to_its_default(settings):
    for name in SETTINGS:
        if hasattr(settings, f"COALITION_{name}"):
            delattr(settings, f"COALITION_{name}")

    assert check_app_settings() == []
    assert app_settings.PAGE_SIZE == 20
    assert app_settings.MIN_DISCLOSED_COUNT == 5
    assert app_settings.SITE_URL == "http://127.0.0.1:8000"
    assert app_settings.CACHE_SECONDS == 300
    assert app_settings.PAGE_CACHE_SECONDS == 60
    assert app_settings.MAP_EDGES_PER_NODE == 5
    assert app_settings.LOCK_TIMEOUT_SECONDS == 5
    assert app_settings.CHECK_IN_OPENS_MINUTES == 60
    assert app_settings.OVERLAP["WINDOW_DAYS"] == 1095
    assert app_settings.PROPOSALS["PANEL_SIZE"] == (3, 5)
    assert app_settings.INSIGHTS["LOW_RETENTION"] == 0.5


def test_override_settings_is_seen_and_undone():
    assert app_settings.PAGE_SIZE == 20

    with override_settings(COALITION_PAGE_SIZE=3):
        assert app_settings.PAGE_SIZE == 3

    assert app_settings.PAGE_SIZE == 20


def test_nested_settings_merge_over_the_defaults():
    with override_settings(COALITION_OVERLAP={"WEIGHTS": {"regions": 2}}):
        overlap = app_settings.OVERLAP

    assert overlap["WINDOW_DAYS"] == 1095
    assert dict(overlap["WEIGHTS"]) == {**DEFAULTS["OVERLAP"]["WEIGHTS"], "regions": 2}


def test_nested_settings_are_read_only():
    with pytest.raises(TypeError):
        app_settings.PROPOSALS["SECTOR_BONUS"] = 1  # type: ignore[index]


def test_text_from_the_environment_is_parsed():
    with override_settings(
        COALITION_PAGE_SIZE=" 7 ",
        COALITION_LOCK_TIMEOUT_SECONDS="2.5",
        COALITION_CHECK_IN_OPENS_MINUTES=" 45 ",
        COALITION_OVERLAP={"WINDOW_DAYS": "30"},
        COALITION_SITE_URL="https://coalition.example.org/",
    ):
        assert check_app_settings() == []
        assert app_settings.PAGE_SIZE == 7
        assert app_settings.LOCK_TIMEOUT_SECONDS == 2.5
        assert app_settings.CHECK_IN_OPENS_MINUTES == 45
        assert app_settings.OVERLAP["WINDOW_DAYS"] == 30
        assert app_settings.SITE_URL == "https://coalition.example.org"


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("COALITION_PAGE_SIZE", "abc", "coalition.E001"),
        ("COALITION_PAGE_SIZE", True, "coalition.E001"),
        ("COALITION_CACHE_SECONDS", 1.5, "coalition.E001"),
        ("COALITION_LOCK_TIMEOUT_SECONDS", "soon", "coalition.E001"),
        ("COALITION_CHECK_IN_OPENS_MINUTES", "an hour", "coalition.E001"),
        ("COALITION_OVERLAP", [("WINDOW_DAYS", 30)], "coalition.E001"),
        ("COALITION_PROPOSALS", {"PANEL_SIZE": 4}, "coalition.E001"),
        ("COALITION_SITE_URL", 8000, "coalition.E001"),
        ("COALITION_PAGE_SIZE", 0, "coalition.E002"),
        ("COALITION_MIN_DISCLOSED_COUNT", -1, "coalition.E002"),
        ("COALITION_PAGE_CACHE_SECONDS", "-60", "coalition.E002"),
        ("COALITION_MAP_EDGES_PER_NODE", 0, "coalition.E002"),
        ("COALITION_LOCK_TIMEOUT_SECONDS", 0, "coalition.E002"),
        ("COALITION_CHECK_IN_OPENS_MINUTES", -1, "coalition.E002"),
        ("COALITION_LOCK_TIMEOUT_SECONDS", float("inf"), "coalition.E002"),
        ("COALITION_OVERLAP", {"WINDOW_DAYS": 0}, "coalition.E002"),
        ("COALITION_OVERLAP", {"WEIGHTS": {"members": -1}}, "coalition.E002"),
        ("COALITION_INSIGHTS", {"LOW_RETENTION": 1.5}, "coalition.E002"),
        ("COALITION_PROPOSALS", {"PANEL_SIZE": (5, 3)}, "coalition.E002"),
        ("COALITION_PROPOSALS", {"PANEL_SIZE": (1, 3)}, "coalition.E002"),
        ("COALITION_PROPOSALS", {"HOSTS_PER_MOVEMENT": 0}, "coalition.E002"),
        ("COALITION_OVERLAP", {"WINDOW": 30}, "coalition.E003"),
        ("COALITION_OVERLAP", {"WEIGHTS": {"region": 1}}, "coalition.E003"),
        ("COALITION_INSIGHTS", {"STRECH_HIGH": 5}, "coalition.E003"),
        ("COALITION_PROPOSALS", {"PANEL": (3, 5)}, "coalition.E003"),
        ("COALITION_OVERLAP", {"WEIGHTS": NO_WEIGHTS}, "coalition.E004"),
        ("COALITION_SITE_URL", "coalition.example.org", "coalition.E005"),
        ("COALITION_SITE_URL", "ftp://coalition.example.org", "coalition.E005"),
        ("COALITION_SITE_URL", "https://coalition.example.org/?a=1", "coalition.E005"),
    ],
)
def test_each_kind_of_bad_value_has_its_check_error(setting, value, expected):
    with override_settings(**{setting: value}):
        messages = check_app_settings()

    assert ids(messages) == [expected]
    assert messages[0].level == checks.ERROR
    assert messages[0].msg.startswith(setting)


def test_the_check_error_names_the_setting_the_value_and_the_default():
    with override_settings(COALITION_OVERLAP={"WINDOW_DAYS": "three years"}):
        [error] = check_app_settings()

    assert error == checks.Error(
        "COALITION_OVERLAP['WINDOW_DAYS'] must be a whole number, got 'three years'.",
        hint="The default is 1095.",
        id="coalition.E001",
    )


def test_an_unknown_key_names_the_known_ones():
    with override_settings(COALITION_INSIGHTS={"STRECH_HIGH": 5}):
        [error] = check_app_settings()

    assert error == checks.Error(
        "COALITION_INSIGHTS has an unknown key 'STRECH_HIGH'.",
        hint=(
            "Its keys are EARLY_DROPOFF_DAYS, RETENTION_AFTER_DAYS, STRETCH_HIGH, "
            "LOW_RETENTION, STEADY_TENURE_DAYS, STEADY_DROPOFF_MAX."
        ),
        id="coalition.E003",
    )


def test_every_bad_value_is_reported_at_once():
    with override_settings(
        COALITION_PAGE_SIZE=0,
        COALITION_OVERLAP={"WINDOW_DAYS": -1, "WEIGHTS": {"members": "a lot"}},
    ):
        messages = check_app_settings()

    assert [message.msg for message in messages] == [
        "COALITION_PAGE_SIZE must be at least 1, got 0.",
        "COALITION_OVERLAP['WINDOW_DAYS'] must be at least 1, got -1.",
        "COALITION_OVERLAP['WEIGHTS']['members'] must be a number, got 'a lot'.",
    ]


def test_an_unknown_coalition_setting_is_a_warning():
    with override_settings(COALITION_PAGESIZE=10):
        [warning] = check_app_settings()

    assert warning.id == "coalition.W001"
    assert warning.level == checks.WARNING
    assert warning.msg == "COALITION_PAGESIZE is not a Coalition setting; it is ignored."


def test_reading_a_bad_value_anyway_raises_improperly_configured():
    with (
        override_settings(COALITION_PAGE_SIZE=0),
        pytest.raises(
            ImproperlyConfigured,
            match=r"^COALITION_PAGE_SIZE must be at least 1, got 0\. \(manage.py check",
        ),
    ):
        app_settings.PAGE_SIZE  # noqa: B018


def test_only_known_settings_are_attributes():
    with pytest.raises(AttributeError, match="No Coalition setting 'PAGESIZE'"):
        app_settings.PAGESIZE  # noqa: B018
