"""The map's filters: the movement filters of ``/movements/`` plus display switches."""

import django_filters
from django import forms

from movements.filters import MovementFilter


def _switched_on(value) -> bool:
    return value in (True, "1", "true", "on")


class FlagInput(forms.CheckboxInput):
    """A checkbox that hands the raw query-string value to its field for validation and
    always submits ``1``."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=_switched_on)

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def format_value(self, value):
        return "1"


class FlagField(forms.Field):
    """An on/off query-string switch: empty, 0, false or off mean off; 1, true or on mean
    on; anything else is an error."""

    widget = FlagInput
    default_error_messages = {"invalid": "Use 1 to turn this on or 0 to turn it off."}

    def __init__(self, **kwargs):
        kwargs["required"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, False, "", "0", "false", "off"):
            return False
        if _switched_on(value):
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class DisplayOption(django_filters.Filter):
    """A switch that changes what is drawn, never which movements are chosen."""

    field_class = FlagField

    def filter(self, qs, value):
        return qs


class MapFilter(MovementFilter):
    """The movement filters plus the map's "show organizations" switch."""

    organizations = DisplayOption(
        label="Show organizations",
        help_text="Draw the organizations taking part, linked to their movements.",
    )

    class Meta(MovementFilter.Meta):
        fields = [*MovementFilter.Meta.fields, "organizations"]
