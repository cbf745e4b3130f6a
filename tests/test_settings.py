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


def test_a_bad_setting_stops_the_start_with_a_sentence_naming_it():
    import pytest

    cases = {
        ("PSAD_STATEMENT_TIMEOUT_MS", "-1"): "PSAD_STATEMENT_TIMEOUT_MS=-1 is out of range: use a value at least 1.",
        ("PSAD_PORT", "70000"): "PSAD_PORT=70000 is out of range: use a value from 1 to 65535.",
        ("PSAD_GOAL_ANNUAL_REDUCTION", "1.5"): "PSAD_GOAL_ANNUAL_REDUCTION=1.5 is out of range",
        ("PSAD_ROW_CAP", "lots"): "PSAD_ROW_CAP='lots' is not valid: use a whole number.",
        ("PSAD_DEBUG", "maybe"): "PSAD_DEBUG='maybe' is not valid: use on or off.",
        ("PSAD_INGEST_MIN_DATE", "yesterday"): "PSAD_INGEST_MIN_DATE='yesterday' is not a date",
        ("PSAD_DB_CONNECT_TIMEOUT_S", "1"): "PSAD_DB_CONNECT_TIMEOUT_S=1 is out of range: use a value from 2 to 60.",
        ("PSAD_DB_CHECK_S", "0"): "PSAD_DB_CHECK_S=0.0 is out of range",
        ("PSAD_DB_POOL_TIMEOUT_S", "-5"): "PSAD_DB_POOL_TIMEOUT_S=-5.0 is out of range",
        ("PSAD_DB_RETRY_S", "soon"): "PSAD_DB_RETRY_S='soon' is not valid: use a number.",
    }
    for (name, raw), words in cases.items():
        with pytest.raises(SystemExit) as stop:
            Settings.from_env({name: raw})
        assert words in str(stop.value), str(stop.value)
    with pytest.raises(SystemExit, match="PSAD_ROW_CAP=0"):
        Settings.from_env({}, row_cap=0)  # an override (a test's or create_app's config) is checked too
    assert Settings.from_env({"PSAD_DEBUG": "off", "PSAD_PORT": " 8051 "}).port == 8051


def test_a_read_url_is_a_postgresql_url_beside_a_primary():
    import pytest

    primary, replica = "postgresql://postgres@db1:5432/psad", "postgresql://postgres@db2:5432/psad"
    s = Settings.from_env({"DATABASE_URL": primary, "DATABASE_READ_URL": replica})
    assert (s.database_url, s.database_read_url) == (primary, replica)
    assert Settings.from_env({}).database_read_url == ""
    with pytest.raises(SystemExit, match="DATABASE_READ_URL must be a PostgreSQL URL .* not mysql://"):
        Settings.from_env({"DATABASE_URL": primary, "DATABASE_READ_URL": "mysql://root:secret@db2/psad"})
    with pytest.raises(SystemExit) as stop:
        Settings.from_env({"DATABASE_READ_URL": replica})
    assert "DATABASE_READ_URL needs DATABASE_URL" in str(stop.value) and "secret" not in str(stop.value)


def test_the_psad_command_says_which_setting_is_wrong(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, PSAD_STATEMENT_TIMEOUT_MS="-1")
    run = subprocess.run([sys.executable, "-m", "app.cli", "status"], env=env, capture_output=True, text=True,
                         cwd=PROJECT_ROOT, timeout=60)
    assert run.returncode != 0
    assert "PSAD_STATEMENT_TIMEOUT_MS=-1 is out of range" in run.stderr
    assert "Traceback" not in run.stderr
