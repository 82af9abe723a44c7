"""Serializers of the engagement insights API (definitions in ``network.insights``)."""

from rest_framework import serializers

SUPPRESSED = (
    "null when fewer people than the disclosure threshold are behind it (exact for curators)"
)
OR_SUPPRESSED = (
    "or when fewer people than the disclosure threshold are behind it (exact for curators)"
)


class InsightQuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField(
        source="label", read_only=True, help_text='Calendar quarter, e.g. "2026Q3".'
    )
    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=(
            "Distinct people active at any time in the quarter (the current quarter up to "
            "today); null when below the disclosure threshold (exact for curators)."
        ),
    )


class MovementInsightsSerializer(serializers.Serializer):
    """Engagement insights of a movement, computed from its engagements."""

    as_of = serializers.DateField(
        source="today", read_only=True, help_text="The day the figures are computed for."
    )
    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=f"Distinct people with an engagement running today; {SUPPRESSED}.",
    )
    median_tenure_days = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=1,
        help_text=(
            "Median length in days of the engagements (end − start + 1; an ongoing one "
            f"counts to today); null without engagements with a start date, {OR_SUPPRESSED}."
        ),
    )
    early_dropoff_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Share of engagements that ended within six months (182 days) of starting, of "
            "those that ended or have run longer; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    quarters = InsightQuarterSerializer(
        many=True, read_only=True, help_text="The last twelve quarters, the current one last."
    )
    concurrent_movements = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Other movements the movement's active people are also engaged in today; null "
            "when it has fewer active people than the disclosure threshold (exact for "
            "curators)."
        ),
    )
    stretch = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Concurrent movements per ten active people; null without active people, "
            f"{OR_SUPPRESSED}."
        ),
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=(
            "Plain-language notes on capacity, retention and steady engagement; an "
            "organization's capacity warning only for its organizers and curators."
        ),
    )


class OrganizationInsightsSerializer(MovementInsightsSerializer):
    """Engagement insights of an organization, computed from its memberships."""

    active_people = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=f"Distinct people with a membership running today; {SUPPRESSED}.",
    )
    median_tenure_days = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=1,
        help_text=(
            "Median length in days of the memberships (end − start + 1; an ongoing one "
            f"counts to today); null without memberships with a start date, {OR_SUPPRESSED}."
        ),
    )
    early_dropoff_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Share of memberships that ended within six months (182 days) of starting, of "
            "those that ended or have run longer; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    retention_after_shift = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=(
            "Of the people who came in through a movement the organization later left, the "
            "share still active in it six months after it left; null when there are none, "
            f"{OR_SUPPRESSED}."
        ),
    )
    concurrent_movements = serializers.IntegerField(
        read_only=True, min_value=0, help_text="Movements the organization takes part in today."
    )
    stretch = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0,
        help_text=(
            "Concurrent movements per ten active members; above the capacity threshold (2 by "
            "default) it takes on more than its people can hold. null without active "
            f"members, {OR_SUPPRESSED}."
        ),
    )
