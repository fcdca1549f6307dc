"""The plan's vocabularies: statuses, RAG ratings and roles."""

from django.db import models


class Status(models.TextChoices):
    """An action's status. Complete only through a leader's sign-off (services.action_sign_off)."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    READY = "ready_for_sign_off", "Ready for sign-off"
    COMPLETE = "complete", "Complete"


# What the person who owns an action may set; a leader signs it off or returns it.
OWNER_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.READY]


class FindingStatus(models.TextChoices):
    """A finding's status, rolled up from its actions (see rules.rollup_status)."""

    NO_ACTIONS = "no_actions", "No actions yet"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"


class FindingState(models.TextChoices):
    """Where a finding stands in the plan, set by a leader with a reason."""

    OPEN = "open", "Open"
    ADDRESSED = "addressed", "Addressed (signed off)"
    SUPERSEDED = "superseded", "Superseded by a later finding"
    CLOSED = "closed", "Closed"


class UpdateKind(models.TextChoices):
    """What a progress update records."""

    PROGRESS = "progress", "Progress"
    READY = "ready", "Ready for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned"


class RAG(models.TextChoices):
    """Red, amber, green, and blue for done. See rules.computed_rag for the rule."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


class Role(models.TextChoices):
    """The Django groups that decide what a person may do (made by a migration)."""

    LEADER = "Leaders"
    MANAGER = "Managers"
    VIEWER = "Viewers"


class Unit(models.TextChoices):
    """What a measure's figures count."""

    PERCENTAGE = "percentage", "Percentage"
    COUNT = "count", "Count"
    DAYS = "days", "Days"
    RATE_PER_10K = "rate_per_10k", "Rate per 10,000 children"


class Direction(models.TextChoices):
    """Which way a measure should move."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    """How often a measure gets a value: one per calendar month or calendar quarter."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Impact(models.TextChoices):
    """A measure's latest value against its trajectory to target (see impact.rate).

    Ordered worst first, so that a finding is as far off track as its worst measure.
    """

    OFF_TRACK = "off_track", "Off track"
    CLOSE = "close", "Close"
    ON_TRACK = "on_track", "On track"
    NOT_YET = "not_yet", "Not yet rated"
    NO_MEASURES = "no_measures", "No measures"


class ExportKind(models.TextChoices):
    """What a download holds: the plan's actions, its findings, or the admin's file for import."""

    ACTIONS = "actions", "Actions"
    FINDINGS = "findings", "Findings"
    ACTIONS_FOR_IMPORT = "actions-for-import", "Actions for import"


class ExportStatus(models.TextChoices):
    """Where a download written in the background stands."""

    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Being written"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
