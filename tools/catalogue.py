"""Keep the Korean message catalogue in step with the code (a maintainer's tool; needs Babel).

    python tools/catalogue.py          # update src/taskdedup/locale/ko/LC_MESSAGES/taskdedup.po and .mo
    python tools/catalogue.py --check  # exit 1 when a message lacks a translation or the .mo is stale

The messages are: every `msg("...")` template in src/taskdedup (found by Babel's extractor), every
help text of the command tree, and the few texts of Typer's own help screens that it translates
through gettext. New ones are added with an empty translation, vanished ones removed; translations
are written by hand in the .po file, then this tool compiles the .mo the package reads.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "taskdedup"
PO = SOURCE / "locale" / "ko" / "LC_MESSAGES" / "taskdedup.po"
MO = PO.with_suffix(".mo")

# Typer's help-screen words that go through gettext (typer/core.py) or the formatter (typer/_click).
TYPER_TEXTS = ("Usage: ", "Options", "Arguments", "Commands", "default: {default}", "required", "(dynamic)",
               "env var: {var}", "Show this message and exit.")


HEADER = "# Korean messages of taskdedup. Update with: python tools/catalogue.py (see its docstring)."


def wanted() -> list[str]:
    """Every message id the package asks the catalogue for, in a stable order."""
    sys.path.insert(0, str(ROOT / "src"))
    found = [message for _, _, message, _, _ in extract_from_dir(str(SOURCE), keywords={"msg": None}, comment_tags=())]
    import typer.main

    from taskdedup.cli import _app
    from taskdedup.cli.help import help_texts

    command = typer.main.get_command(_app())
    found += [getattr(owner, name) for owner, name in help_texts(command)]
    found += TYPER_TEXTS
    return sorted(set(found))


def updated(ids: list[str]) -> Catalog:
    old = read_po(PO.open("rb")) if PO.exists() else Catalog(locale="ko")
    # The header's dates are kept from the file, so that an unchanged catalogue gives the same bytes.
    new = Catalog(locale="ko", domain="taskdedup", project="taskdedup", fuzzy=False, header_comment=HEADER,
                  creation_date=old.creation_date, revision_date=old.revision_date,
                  last_translator="taskdedup maintainers", language_team="taskdedup maintainers")
    for text in ids:
        before = old.get(text)
        new.add(text, before.string if before is not None else "", flags=("python-brace-format",) if "{" in text else ())
    return new


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def main(check: bool) -> int:
    catalog = updated(wanted())
    missing = [m.id for m in catalog if m.id and not m.string]
    if check:
        current = read_po(PO.open("rb"))
        stale = {m.id for m in catalog if m.id} != {m.id for m in current if m.id}
        if missing or stale or not MO.exists() or MO.read_bytes() != mo_bytes(current):
            print(f"catalogue out of date: {len(missing)} untranslated; run python tools/catalogue.py", file=sys.stderr)
            return 1
        return 0
    PO.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=True, no_location=True)
    PO.write_bytes(buffer.getvalue())
    MO.write_bytes(mo_bytes(catalog))
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} without a translation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main("--check" in sys.argv[1:]))
