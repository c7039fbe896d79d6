"""Rebuild python_docs.txt from the documentation that ships inside CPython.

python datasets/python_docs/prepare.py

CPython carries the text of its language reference in the module
pydoc_data.topics (it powers `help("assert")` offline). We join the topics in
sorted order and keep plain ASCII so that a character model's vocabulary stays
small (about 95 symbols). The text differs slightly between Python releases;
the shipped file was built with the version recorded in the datasheet.
"""
import re
import sys
from pathlib import Path

import pydoc_data.topics


def build_corpus() -> str:
    parts = []
    for name in sorted(pydoc_data.topics.topics):
        text = pydoc_data.topics.topics[name]
        text = text.encode("ascii", "ignore").decode("ascii")  # drop the few non-ASCII symbols
        text = re.sub(r"[ \t]+\n", "\n", text)  # no trailing spaces
        text = re.sub(r"\n{3,}", "\n\n", text)  # at most one blank line
        parts.append(text.strip() + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    out = Path(__file__).with_name("python_docs.txt")
    corpus = build_corpus()
    out.write_text(corpus, encoding="ascii")
    print(f"wrote {out}: {len(corpus):,} characters, {len(set(corpus))} distinct, from Python {sys.version.split()[0]}")
