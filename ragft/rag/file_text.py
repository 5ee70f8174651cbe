"""The text of one file, by type: markdown and plain text as they are, HTML through Beautiful Soup (its headings
written as markdown headings, so both are cut into sections the same way), PDF through pypdf (pages apart by "\\f").

Each reader takes the file's bytes and returns (text, kind); a file it cannot read raises `UnreadableFileError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

# Tags whose end starts a new line in the text of an HTML page.
_HTML_BLOCKS = ("p", "div", "li", "tr", "br", "dt", "dd", "blockquote", "section", "article", "table", "ul", "ol")


class UnreadableFileError(ValueError):
    """A file of a supported type whose text cannot be read (not UTF-8, damaged, encrypted, no text layer)."""


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        raise UnreadableFileError(f"it is not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8") from err


def read_markdown(data: bytes) -> tuple[str, str]:
    return _utf8(data), "markdown"


def read_text(data: bytes) -> tuple[str, str]:
    return _utf8(data), "text"


def read_html(data: bytes) -> tuple[str, str]:
    """The visible text of a page; h1-h6 become "#"-"######" lines and <pre> blocks fenced code, as in markdown."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")  # Python's own parser: nothing compiled to install
    for tag in soup(["head", "script", "style", "noscript", "template"]):
        tag.decompose()
    for pre in soup.find_all("pre"):
        pre.replace_with(f"\n```\n{pre.get_text()}\n```\n")
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        title = " ".join(heading.get_text(" ").split())
        heading.replace_with(f"\n\n{'#' * int(heading.name[1])} {title}\n\n" if title else "\n")
    for block in soup.find_all(_HTML_BLOCKS):
        block.append("\n")
    text, in_code, lines = soup.get_text(), False, []
    for line in text.split("\n"):
        in_code ^= line.strip().startswith("```")
        lines.append(line.rstrip() if in_code or line.strip().startswith("```") else " ".join(line.split()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n", "html"


def read_pdf(data: bytes) -> tuple[str, str]:
    """The text layer of every page, pages separated by a form feed ("\\f")."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFileError("it is password-protected; save a copy without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFileError:
        raise
    except Exception as err:  # pypdf raises many kinds of error on damaged bytes; any of them means "cannot read"
        raise UnreadableFileError(f"pypdf cannot read it as a PDF ({type(err).__name__}: {err})") from err
    if not any(page.strip() for page in pages):
        raise UnreadableFileError("it has no text layer (a scanned image?); run OCR on it or export it as text")
    return "\f".join(pages), "pdf"


READERS: dict[str, Callable[[bytes], tuple[str, str]]] = {
    ".md": read_markdown, ".markdown": read_markdown, ".txt": read_text,
    ".html": read_html, ".htm": read_html, ".pdf": read_pdf,
}
