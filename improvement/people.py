"""How a person is named on pages, in exports and in e-mails."""

from typing import Any, NamedTuple


def display_name(user: Any) -> str:
    """Their full name, or their username when no name is recorded."""
    return user.get_full_name() or user.get_username()


class Person(NamedTuple):
    """A person as a page names them, read as plain values where people are read by
    the hundred only to be named (an owner's column, the owner filter's options)."""

    pk: int
    first_name: str
    last_name: str
    username: str

    def get_full_name(self) -> str:  # as Django's User has it
        return f"{self.first_name} {self.last_name}".strip()

    def get_username(self) -> str:
        return self.username


# The columns a Person is read from: `values_list(*PERSON_FIELDS)`.
PERSON_FIELDS = Person._fields
