"""System checks of Coalition's own settings (``core/conf.py``), run once at startup by
``manage.py check``, ``runserver`` and ``migrate``: every bad value is an error naming the
setting and the value, every ``COALITION_*`` setting that does not exist a warning."""

from django.conf import settings
from django.core import checks

from core.conf import PREFIX, SETTINGS, UNKNOWN_SETTING, app_settings


@checks.register("coalition")
def check_app_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = [
        checks.Error(problem.message, hint=problem.hint, id=problem.id)
        for problem in app_settings.problems()
    ]
    for name in dir(settings):
        if name.startswith(PREFIX) and name.removeprefix(PREFIX) not in SETTINGS:
            messages.append(
                checks.Warning(
                    f"{name} is not a Coalition setting; it is ignored.",
                    hint=f"The settings are {', '.join(PREFIX + known for known in SETTINGS)}.",
                    id=UNKNOWN_SETTING,
                )
            )
    return messages
