"""``python -m grader``: grade a learner's notebook, regenerate chapters/, run a classroom.

nbgrader is the engine; this package configures it (see ``grader.config``),
wraps it in throwaway course directories, and reports results in one table.
See grader/README.md, "How it fits together", for which module does what.
"""
import sys

# nbformat imports jsonschema, whose optional "iri" format checker imports
# rfc3987_syntax, which builds a Lark grammar at import: about 0.9 s of every
# `grader check` (more on a busy machine). Notebook validation never uses that
# format (nbformat's schemas have no "format" keyword), so the grader's
# processes do without it. Checked with jsonschema 4.26 and nbformat 5.11.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
