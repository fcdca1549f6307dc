"""The plan's vocabularies: statuses, RAG ratings and roles."""

from django.db import models


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"


class FindingStatus(models.TextChoices):
    """A finding's status, rolled up from its actions (see rules.rollup_status)."""

    NO_ACTIONS = "no_actions", "No actions yet"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"


class RAG(models.TextChoices):
    """Red, amber, green, and blue for done. See rules.computed_rag for the rule."""

    BLUE = "blue", "Blue"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Role(models.TextChoices):
    """The Django groups that decide what a person may do (made by a migration)."""

    LEADER = "Leaders"
    MANAGER = "Managers"
    VIEWER = "Viewers"
