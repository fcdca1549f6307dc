"""The board pack as a PDF, drawn on the server by WeasyPrint from a print template."""

from typing import Any

from django.template.loader import render_to_string


def board_pack_pdf(context: dict[str, Any]) -> bytes:
    """A4, with a cover, contents, a summary, a section per finding and an evidence appendix.

    `context` holds the report's data (`report`), `title`, `period`, `produced`,
    `author` and, for a saved report, `saved`.
    """
    from weasyprint import HTML  # imported here: its system libraries load on first use

    html = render_to_string("improvement/report_pdf.html", context)
    return HTML(string=html).write_pdf()
