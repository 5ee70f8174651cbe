"""A small folder of documents in the three text formats (markdown with nested headings, plain text, HTML), shared
by the tests of `ragft.rag.ask_docs` and of the `python -m ragft.ask` command."""

FILES = {
    "guide/install.md": "# Install\n\n## Linux\n\nRun pip install sparrow in a virtual environment.\n\n"
                        "## Windows\n\nUse the installer from the releases page, then open a new terminal.\n",
    "faq.txt": "Sparrow keeps its settings in sparrow.toml in your home folder. Delete that file to reset them.\n",
    "api.html": "<html><body><h1>API</h1><h2>sparrow.fly</h2><p>fly(distance) moves the bird and returns its new "
                "position.</p><h2>sparrow.sing</h2><p>sing(song) plays a song through the speakers.</p></body></html>",
}


def write_docs(folder, files=FILES):
    """Write `files` ({relative path: text}) under `folder`; return the folder."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
