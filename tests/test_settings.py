"""Every setting is read from the environment and documented once, in ``app/settings.py``.

The README's settings table is generated from those doc strings (``tests/test_docs.py`` checks it
is up to date); this file checks that the table in the code is complete and well-formed."""

from dataclasses import fields

from app.settings import PROJECT_ROOT, SETTINGS, Settings


def test_every_setting_is_in_the_table_and_the_readme():
    assert {f.name for f in fields(Settings)} == {s.field for s in SETTINGS}
    assert len({s.name for s in SETTINGS}) == len(SETTINGS)
    assert all(s.doc.strip().endswith((".", ")")) for s in SETTINGS), "each doc string is a sentence"
    assert all(isinstance(s.default, s.kind) for s in SETTINGS)
    readme = (PROJECT_ROOT / "README.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_environment_parsing_and_overrides():
    s = Settings.from_env({"PSAD_PORT": "9000", "PSAD_DEBUG": "yes", "REDIS_URL": ""}, host="0.0.0.0")
    assert s.port == 9000 and s.debug is True and s.redis_url == "" and s.host == "0.0.0.0"
    assert Settings.from_env({}).goal_baseline_year == 2021
