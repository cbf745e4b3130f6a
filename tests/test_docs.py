"""The README's reference tables are generated from the code and cannot drift from it."""

from __future__ import annotations

import pytest

from app import reference
from app.cli import main
from app.settings import PROJECT_ROOT, SETTINGS
from tests.dash_support import from_wire


def test_readme_matches_the_code():
    drifted = reference.check()
    assert not drifted, f"README.md differs from the code in {drifted}: run `psad docs` (or `make docs`)"


def test_every_setting_and_endpoint_is_in_the_generated_text():
    from app.api import endpoints

    text = reference.generated()
    assert all(f"| `{s.name}` |" in text["settings"] for s in SETTINGS)
    assert all(f"`GET {e.url}`" in text["api"] for e in endpoints())
    assert all(f"| `{p.name}` |" in text["api"] for e in endpoints() for p in e.params)


def test_defaults_are_shown_without_this_machines_paths():
    assert reference.default_text(str(PROJECT_ROOT / ".psad")) == "`./.psad`"
    assert reference.default_text(False) == "`false`" and reference.default_text(60.0) == "`60`"
    assert reference.default_text("") == "*(empty)*" and reference.default_text(0.15) == "`0.15`"
    assert reference.cell("a | b\nc") == "a \\| b c"


def test_write_rewrites_only_what_drifted_and_check_names_it(tmp_path):
    readme = tmp_path / "README.md"
    current = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    drifted = current.replace("| `PSAD_PORT` | `8050` |", "| `PSAD_PORT` | `9999` |")
    assert drifted != current
    readme.write_text(drifted, encoding="utf-8")
    assert reference.check(readme) == ["settings"]
    assert reference.write(readme) == ["settings"]
    assert readme.read_text(encoding="utf-8") == current
    assert reference.check(readme) == [] and reference.write(readme) == []


def test_a_section_without_markers_is_drift_not_silence(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    assert reference.check(readme) == list(reference.SECTIONS)
    with pytest.raises(reference.MissingMarkers, match="reference:settings"):
        reference.write(readme)


def test_a_new_section_is_one_function_and_one_marker_pair(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "SECTIONS", dict(reference.SECTIONS))
    reference.section("url")(lambda: "| parameter |\n|---|\n| `start` |")
    readme = tmp_path / "README.md"
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    readme.write_text(text + "\n<!-- reference:url -->\n<!-- /reference:url -->\n", encoding="utf-8")
    assert reference.check(readme) == ["url"]
    assert reference.write(readme) == ["url"]
    assert "<!-- reference:url -->\n| parameter |\n|---|\n| `start` |\n<!-- /reference:url -->" in readme.read_text()


def test_psad_docs_check_exits_1_naming_the_section(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text((PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
                      .replace("| `PSAD_PORT` | `8050` |", "| `PSAD_PORT` | `1` |"), encoding="utf-8")
    monkeypatch.setattr(reference, "README", readme)
    assert main(["docs", "--check"]) == 1
    assert "settings" in capsys.readouterr().err
    assert main(["docs"]) == 0 and "rewrote settings" in capsys.readouterr().out
    assert main(["docs", "--check"]) == 0


def _walk(component):
    yield component
    children = from_wire(getattr(component, "children", None))
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_one_version_in_pyproject_the_package_and_the_about_page():
    import tomllib
    from importlib.metadata import version

    from layouts.about import about_page

    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    installed = version("psad")
    assert installed == declared, "the installed metadata is stale: run `make install`"
    assert reference.version() == declared
    shown = [c.children for c in _walk(about_page()) if getattr(c, "className", None) == "about-version"]
    assert shown == [declared]


def test_about_page_change_log_is_changelog_md_newest_first():
    from layouts.about import about_page

    releases = reference.changelog()
    assert releases and releases[0].version == reference.version()
    assert [r.version for r in releases] == sorted((r.version for r in releases),
                                                  key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert all(r.items for r in releases)
    headings = [c.children for c in _walk(about_page()) if type(c).__name__ == "H3"]
    assert [h for h in headings if h.split(" — ")[0] in {r.version for r in releases}] == [
        f"{r.version} — {r.date}" for r in releases]


def test_changelog_parsing():
    text = ("# Change log\n\nIntro.\n\n## 1.2.0 — 2027-01-02\n\n* one\n  continued\n- two\n\n"
            "## 1.1.0\n* three\n\n# Other\n* not a release item\n")
    assert reference.parse_changelog(text) == [
        reference.Release("1.2.0", "2027-01-02", ("one continued", "two")),
        reference.Release("1.1.0", "", ("three",))]
    assert reference.changelog(PROJECT_ROOT / "no-such-file.md") == []
