"""How a person is named on pages, in exports and in e-mails."""

from typing import Any


def display_name(user: Any) -> str:
    """Their full name, or their username when no name is recorded."""
    return user.get_full_name() or user.get_username()


# A person's columns that `display_name` does not read: left unloaded where people are
# loaded by the hundred only to be named (`.defer(*UNNAMED_FIELDS)`).
UNNAMED_FIELDS = (
    "password",
    "last_login",
    "is_superuser",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)
