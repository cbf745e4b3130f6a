"""The translation catalog's upkeep (a developer's tool; ``tests/test_i18n.py`` uses it too).

Every string marked in the code (``_``, ``gettext``, ``ngettext``, ``pgettext``, ``N_``, ``Nn_``)
must have a Spanish translation in one of ``app/locale/es/LC_MESSAGES/*.po``::

    python -m app.i18n_catalog missing                  # every marked string without Spanish, as .po stubs
    python -m app.i18n_catalog missing layouts/map.py   # only those of some files
    python -m app.i18n_catalog check                    # exit 1 when anything is missing or conflicting

Strings built at run time cannot be extracted: mark the constant pieces and format after
translating (``_("{n} victims").format(n=...)``), never ``_(f"...")``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from app.i18n import LOCALE_DIR, catalog_files
from app.settings import PROJECT_ROOT

SOURCE_DIRS = ("app", "callbacks", "layouts", "data_access")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "Nn_": (1, 2)}


@dataclass(frozen=True)
class Marked:
    msgid: str
    plural: str | None
    context: str | None
    where: str  # file:line


def source_files(paths: list[str] | None = None) -> list[Path]:
    if paths:
        return [PROJECT_ROOT / p if not Path(p).is_absolute() else Path(p) for p in paths]
    return sorted(p for d in SOURCE_DIRS for p in (PROJECT_ROOT / d).rglob("*.py")
                  if "migrations" not in p.parts)


def extract(paths: list[str] | None = None) -> list[Marked]:
    from babel.messages.extract import extract as babel_extract

    out = []
    for path in source_files(paths):
        with path.open("rb") as fh:
            for lineno, message, _comments, context in babel_extract("python", fh, keywords=KEYWORDS):
                msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
                if msgid:
                    out.append(Marked(msgid, plural, context, f"{path.relative_to(PROJECT_ROOT)}:{lineno}"))
    return out


def translations(lang: str = "es") -> tuple[dict, list[str]]:
    """(key -> msgstr (a tuple for plurals), conflicts) over every .po file of ``lang``; the key
    is ``msgid`` or ``(context, msgid)``."""
    from babel.messages.pofile import read_po

    found: dict = {}
    where: dict = {}
    conflicts = []
    for path in catalog_files(lang):
        with path.open("rb") as fh:
            for m in read_po(fh, locale=lang):
                if not m.id:
                    continue
                msgid = m.id[0] if isinstance(m.id, tuple) else m.id
                key = (m.context, msgid) if m.context else msgid
                # plurals: the first two forms (one / other) are what the app uses (app.i18n)
                value = tuple(m.string)[:2] if isinstance(m.string, (tuple, list)) else m.string
                if m.fuzzy or not value or (isinstance(value, tuple) and (len(value) < 2 or not all(value))):
                    continue
                if key in found and found[key] != value:
                    conflicts.append(f"{msgid!r}: {where[key]} and {path.name} translate it differently")
                found[key], where[key] = value, path.name
    return found, conflicts


def missing(paths: list[str] | None = None, lang: str = "es") -> list[Marked]:
    have, _ = translations(lang)
    seen, out = set(), []
    for m in extract(paths):
        key = (m.context, m.msgid) if m.context else m.msgid
        if key not in have and key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def stub(m: Marked) -> str:
    lines = [f"#: {m.where}"]
    if m.context:
        lines.append(f"msgctxt {_quote(m.context)}")
    lines.append(f"msgid {_quote(m.msgid)}")
    if m.plural:
        lines += [f"msgid_plural {_quote(m.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "check"
    if command == "missing":
        print("\n\n".join(stub(m) for m in missing(args or None)))
        return 0
    if command == "check":
        gone = missing(args or None)
        _, conflicts = translations()
        for m in gone:
            print(f"{m.where}: no Spanish for {m.msgid!r}")
        for c in conflicts:
            print(c)
        print(f"{len(gone)} missing, {len(conflicts)} conflicting, in {LOCALE_DIR}")
        return 1 if gone or conflicts else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
