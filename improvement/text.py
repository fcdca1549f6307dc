"""Text as people type or paste it, made safe to store, show and export."""

import re

# C0 and C1 control characters, other than tab and line feed. Pasting from Word
# brings vertical tabs and form feeds; Excel cannot hold them in a cell.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(value: str) -> str:
    """Line breaks made uniform; control characters that mean nothing on a page removed.

    A vertical tab or form feed (a line break pasted from Word) becomes a line break.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return CONTROL.sub("", value.replace("\x0c", "\n"))
