"""Real documents in, chunks out: pydoc's rendering of the standard library, a learner's folder of .md, .txt, .html
and .pdf files (bad files skipped with a warning, nothing lost), and heading-aware chunking."""

import logging
import sys
import warnings

import pytest

from ragft.rag.chunking import chunk_words
from ragft.rag.documents import (DEFAULT_MODULES, DocChunk, Document, DocumentsError, file_fingerprint, load_folder,
                                 render_modules, stdlib_corpus)
from ragft.rag.sections import chunk_documents, document_sections, markdown_sections, pydoc_sections


@pytest.fixture(scope="module")
def corpus():
    return stdlib_corpus()


@pytest.fixture(scope="module")
def sections(corpus):
    return {doc.source: [name for name, _ in document_sections(doc)] for doc in corpus}


# ---- the standard library as pydoc renders it ------------------------------------------------------------------


def test_the_corpus_has_every_default_module_and_nothing_machine_specific(corpus):
    assert [doc.source for doc in corpus] == [f"pydoc:{name}" for name in DEFAULT_MODULES]
    for doc in corpus:
        assert doc.kind == "pydoc" and doc.text.strip() and len(doc.digest) == 64
        for leak in (sys.prefix, sys.base_prefix, "MODULE REFERENCE", "\nFILE\n", " at 0x", "\x08"):
            assert leak not in doc.text, (doc.source, leak)
        assert "\n\n\n" not in doc.text


def test_the_corpus_does_not_depend_on_what_the_process_imported(corpus):
    # transformers adds methods to logging.Logger; the docs must not change with the libraries a kernel loaded
    logging.Logger.patched_in_by_a_library = lambda self: None
    try:
        assert stdlib_corpus(("logging", "json")) == [corpus[DEFAULT_MODULES.index("logging")],
                                                      corpus[DEFAULT_MODULES.index("json")]]
    finally:
        del logging.Logger.patched_in_by_a_library


def test_an_unknown_module_is_a_clear_error():
    with pytest.raises(ValueError, match="no_such_module_here.*Fix"):
        render_modules(["json", "no_such_module_here"])


def test_pydoc_sections_are_modules_functions_classes_and_their_own_documented_members(sections):
    json_sections = sections["pydoc:json"]
    assert json_sections[0] == "json"
    assert {"json.load", "json.loads", "json.dump", "json.dumps", "json.JSONDecoder", "json.JSONDecoder.decode",
            "json.JSONDecodeError"} <= set(json_sections)
    assert {"pathlib.Path", "pathlib.Path.read_text", "pathlib.PurePath.relative_to"} <= set(sections["pydoc:pathlib"])
    assert {"collections.Counter.most_common", "itertools.chain.from_iterable"} <= set(
        sections["pydoc:collections"] + sections["pydoc:itertools"])
    every = [name for names in sections.values() for name in names]
    assert len(every) == len(set(every)), "a section name occurs twice"
    assert not [name for name in every if "._" in name], "private and dunder members are left out"
    assert "json.JSONDecodeError.with_traceback" not in every, "inherited members are left out"


# Both layouts pydoc uses: Python 3.11 writes a signature on one line, 3.13 wraps long ones over several.
PYDOC_TEXT = """NAME
    tool - Does things.

DESCRIPTION
    A longer description.

CLASSES
    builtins.object
        Box

    class Box(builtins.object)
     |  Box(size)
     |
     |  A box of a given size.
     |
     |  Methods defined here:
     |
     |  __init__(self, size)
     |      Initialize self.
     |
     |  open(
     |      self,
     |      force=False
     |  )
     |      Open the box.
     |
     |  undocumented(self)
     |
     |  undocumented_too(
     |      self,
     |      flag=True
     |  )
     |
     |  ----------------------------------------------------------------------
     |  Methods inherited from Base:
     |
     |  close(self)
     |      Close the box.

FUNCTIONS
    make(
        size,
        colour=None
    )
        Make a box.

    pack(box)
        Pack a box.

DATA
    __all__ = ['Box', 'make', 'pack']
    LIMIT = 10
    NAME = 'box'
"""


def test_pydoc_sections_parse_one_line_and_wrapped_signatures():
    found = dict(pydoc_sections(PYDOC_TEXT, "tool"))
    assert list(found) == ["tool", "tool.Box", "tool.Box.open", "tool.make", "tool.pack", "tool (data)"]
    assert "Does things" in found["tool"] and "A longer description" in found["tool"]
    assert "A box of a given size" in found["tool.Box"] and "Open the box" not in found["tool.Box"]
    assert "force=False" in found["tool.Box.open"] and "Open the box" in found["tool.Box.open"]
    assert "colour=None" in found["tool.make"] and "Make a box" in found["tool.make"]
    assert found["tool (data)"].strip() == "NAME = 'box'", "dunders and bare numeric codes are left out"


# ---- markdown and chunking -------------------------------------------------------------------------------------


MARKDOWN = """Intro before any heading.

# Install

Get it.

## Linux

```bash
# not a heading: a comment in a code block
apt install tool
```

## Windows
Use the installer.

# Use
Run it.
"""


def test_markdown_sections_follow_the_heading_path_and_skip_code():
    found = markdown_sections(MARKDOWN)
    assert [name for name, _ in found] == ["", "Install", "Install > Linux", "Install > Windows", "Use"]
    assert "# not a heading" in dict(found)["Install > Linux"]


def test_chunks_stay_inside_their_section_and_keep_source_and_section():
    doc = Document("guide.md", MARKDOWN.replace("Run it.", "Run it. " + "word " * 25), "markdown")
    chunks = chunk_documents([doc], size=10, overlap=2)
    assert [c.id for c in chunks] == [f"guide.md#{n}" for n in range(len(chunks))]
    assert all(isinstance(c, DocChunk) and c.source == "guide.md" for c in chunks)
    use = [c for c in chunks if c.section == "Use"]
    body = dict(markdown_sections(doc.text))["Use"]
    assert [c.text for c in use] == [f"Use\n{window}" for window in chunk_words(body, 10, 2)]
    assert len(use) > 1 and all(len(c.text.split("\n", 1)[1].split()) <= 10 for c in chunks)
    assert chunks[0].section == "" and chunks[0].text.startswith("guide.md\nIntro")


def test_chunking_drops_empty_sections_and_cuts_pdfs_at_pages():
    doc = Document("a.md", "# Empty\n\n# Full\ntext", "markdown")
    assert [c.section for c in chunk_documents([doc])] == ["Full"]
    pdf = Document("r.pdf", "page one\fpage two", "pdf")
    assert [(c.section, c.text) for c in chunk_documents([pdf])] == [("page 1", "page 1\npage one"),
                                                                     ("page 2", "page 2\npage two")]


# ---- a learner's folder ----------------------------------------------------------------------------------------


def minimal_pdf(*pages: str) -> bytes:
    """A valid PDF whose pages show the given lines of text in Helvetica (written by hand, offsets included)."""
    n = len(pages)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(n))}] /Count {n} >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET"
        objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents {5 + 2 * i} 0 R "
                    "/Resources << /Font << /F1 3 0 R >> >> >>",
                    f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


HTML = """<html><head><title>not text</title><style>p {color: red}</style></head><body>
<h1>Guide</h1><p>Welcome to the <b>tool</b>.</p>
<h2>Install</h2><p>Run the installer.</p><script>var x = 1;</script>
<pre># a comment
make install</pre>
</body></html>"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "notes.txt").write_text("Plain notes.\n")
    (tmp_path / "sub" / "guide.md").write_text("# Start\nHello.\n")
    (tmp_path / "page.html").write_text(HTML)
    (tmp_path / "report.pdf").write_bytes(minimal_pdf("First page text", "Second page text"))
    return tmp_path


def test_load_folder_reads_every_supported_type_recursively_in_order(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        docs = load_folder(folder)
    assert [(d.source, d.kind) for d in docs] == [("notes.txt", "text"), ("page.html", "html"),
                                                  ("report.pdf", "pdf"), ("sub/guide.md", "markdown")]
    assert all(d.digest == file_fingerprint(folder / d.source) for d in docs)
    html = dict(document_sections(docs[1]))
    assert list(html) == ["Guide", "Guide > Install"]
    assert "Welcome to the tool." in html["Guide"] and "# a comment" in html["Guide > Install"]
    assert "not text" not in docs[1].text and "var x" not in docs[1].text and "color" not in docs[1].text
    assert [(s, t.strip()) for s, t in document_sections(docs[2])] == [("page 1", "First page text"),
                                                                       ("page 2", "Second page text")]


def test_bad_files_are_skipped_with_a_warning_and_nothing_else_is_lost(folder):
    (folder / "image.png").write_bytes(b"\x89PNG")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "scan.pdf").write_bytes(minimal_pdf("").replace(b"() Tj", b""))
    (folder / ".hidden.md").write_text("# secret")
    with pytest.warns(UserWarning) as caught:
        docs = load_folder(folder)
    messages = "\n".join(str(w.message) for w in caught)
    assert [d.source for d in docs] == ["notes.txt", "page.html", "report.pdf", "sub/guide.md"]
    assert "image.png" in messages and "broken.pdf" in messages and "pypdf" in messages
    assert "latin1.txt" in messages and "UTF-8" in messages and "scan.pdf" in messages and "no text layer" in messages
    assert "secret" not in messages and "Fix" in messages


def test_a_folder_without_documents_is_a_clear_error(tmp_path):
    with pytest.raises(DocumentsError, match="does not exist.*Fix"):
        load_folder(tmp_path / "missing")
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(DocumentsError, match="not a folder"):
        load_folder(tmp_path / "file.md")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DocumentsError, match="is empty"):
        load_folder(empty)
    (empty / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.warns(UserWarning, match="photo.jpg"), pytest.raises(DocumentsError, match="no readable"):
        load_folder(empty)


def test_a_files_fingerprint_changes_with_its_content(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one")
    before = file_fingerprint(path)
    assert file_fingerprint(path) == before
    path.write_text("two")
    assert file_fingerprint(path) != before
