"""Read a PDF's text in a child process, under limits (run by ``text.pdf_text``).

    python pdf_worker.py MAX_PAGES MAX_BYTES_OF_MEMORY MAX_CHARS < file.pdf > text

A crafted PDF of a few kilobytes can make PDFium take gigabytes and minutes
(a form drawn inside a form, ten times at each of six levels). Here it runs in
a process of its own with its address space capped (RLIMIT_AS), so such a file
ends this process, not the web server; the parent adds the time limit.

Exit status 0: the pages' text on stdout, separated by form feeds. Status 3: a
reason on stderr (``password``, ``damaged …``, ``pages N``, ``chars``). Any
other status (or a signal): PDFium ran out of memory or crashed.

This file imports nothing from the project, so it starts fast and alone.
"""

import resource
import sys


def main() -> int:
    max_pages, max_memory, max_chars = (int(arg) for arg in sys.argv[1:4])
    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read()

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "password" if "password" in str(exc).lower() else f"damaged {exc}"
        print(reason, file=sys.stderr)
        return 3
    if len(pdf) > max_pages:
        print(f"pages {len(pdf)}", file=sys.stderr)
        return 3
    out = sys.stdout
    chars = 0
    for number, page in enumerate(pdf):
        textpage = page.get_textpage()
        text = textpage.get_text_bounded()
        textpage.close()
        page.close()
        chars += len(text)
        if chars > max_chars:
            print("chars", file=sys.stderr)
            return 3
        out.write(("\f" if number else "") + text)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", errors="surrogatepass")  # type: ignore[union-attr]
    try:
        sys.exit(main())
    except MemoryError:
        sys.exit(4)
