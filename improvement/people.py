"""How a person is named on pages, in exports and in e-mails."""

from typing import Any


def display_name(user: Any) -> str:
    """Their full name, or their username when no name is recorded."""
    return user.get_full_name() or user.get_username()
