"""Every Summary number equals an independent pandas computation over the same victim rows.

The queries read the pre-aggregated tables; these tests read the raw ``victim`` rows and
recompute each figure with plain pandas, for several filter combinations.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from app.context import load_choices
from data_access import summary as queries
from data_access.filters import Filters
from data_access.vocabulary import OFFENSE_BY_CODE
from layouts import summary as L
from tests.conftest import DEMO_END


@pytest.fixture(scope="module")
def rows(demo_url):
    from data_access.db import Database

    db = Database(demo_url)
    with db.engine.connect() as conn:
        df = pd.read_sql(text("SELECT occurred_date, occurred_hour, occurred_dow, offense, is_gun_violence, "
                              "police_district, neighborhood, council_district, legislative_district FROM victim"),
                         conn)
    db.dispose()
    df["occurred_date"] = pd.to_datetime(df.occurred_date).dt.date
    return df


def pick(rows, f: Filters, *, dates=True, offense=True) -> pd.DataFrame:
    m = pd.Series(True, index=rows.index)
    if dates:
        m &= (rows.occurred_date >= f.start) & (rows.occurred_date <= f.end)
    for name in ("police_district", "neighborhood", "council_district", "legislative_district"):
        if getattr(f, name):
            m &= rows[name].isin(getattr(f, name))
    if offense and f.offense:
        m &= rows.offense.isin(f.offense)
    return rows[m]


def some_filters(rows) -> list[Filters]:
    top_nb = rows.neighborhood.value_counts().index[0]
    return [
        Filters(date(2026, 1, 1), DEMO_END),
        Filters(date(2025, 1, 1), date(2025, 12, 31), police_district=("Western", "Eastern")),
        Filters(date(2024, 2, 10), date(2024, 9, 3), neighborhood=(top_nb,)),
        Filters(date(2021, 1, 1), date(2023, 6, 30), council_district=("7",), offense=("homicide", "shooting")),
        Filters(date(2020, 1, 1), DEMO_END, legislative_district=(rows.legislative_district.dropna().iloc[0],)),
        Filters(DEMO_END - timedelta(days=27), DEMO_END, offense=("larceny",)),
        # monthly grain with a geography filter and ragged days at both ends (whole months from
        # the month roll-up, the edges from the daily table)
        Filters(date(2021, 3, 17), date(2023, 8, 9), police_district=("Western",)),
        Filters(date(2020, 2, 2), date(2025, 12, 30), neighborhood=(top_nb,), offense=("larceny", "burglary")),
        # whole years of the hour x weekday view from its yearly roll-up, citywide and per district
        Filters(date(2020, 6, 1), DEMO_END),
        Filters(date(2021, 1, 1), date(2024, 12, 31), council_district=("3", "7")),
    ]


def test_demo_slice_has_data(rows):
    assert len(rows) > 10_000
    assert rows.occurred_date.min() >= date(2020, 1, 1) and rows.occurred_date.max() <= DEMO_END


def test_offense_counts_and_cards_match_pandas(db, app_ctx, rows):
    for f in some_filters(rows):
        got = queries.offense_counts.uncached(db, f)
        cur, pri = pick(rows, f), pick(rows, f.prior())
        for code in OFFENSE_BY_CODE:
            g = got[got.offense == code]
            assert int(g.current.sum()) == int((cur.offense == code).sum()), (f, code)
            assert int(g.prior.sum()) == int((pri.offense == code).sum()), (f, code)
        cards = {c.key: c for c in L.headline_cards(got, f, min_compare=10, first_date=date(2020, 1, 1))}
        violent = [o for o, v in OFFENSE_BY_CODE.items() if v.group == "violent"]
        if cards["violent"].current is not None:
            assert cards["violent"].current == int(cur.offense.isin(violent).sum())
        assert cards["all"].current == len(cur)


def test_trend_matches_pandas(db, app_ctx, rows):
    for f in some_filters(rows):
        grain = queries.trend_grain(f)
        got = queries.trend.uncached(db, f, grain)
        sub = pick(rows, f)
        assert got.n.sum() == len(sub)
        for r in got.itertuples():
            expected = ((sub.occurred_date >= r.period_start) & (sub.occurred_date <= r.period_end)).sum()
            assert r.n == expected, (f, r)
        # periods tile the span with no gap or overlap
        assert got.period_start.iloc[0] == f.start and got.period_end.iloc[-1] == f.end
        assert all((b - a).days == 1 for a, b in zip(got.period_end[:-1], got.period_start[1:]))


def test_hour_by_weekday_matches_pandas(db, app_ctx, rows):
    for f in some_filters(rows):
        got = queries.hour_by_weekday.uncached(db, f)
        sub = pick(rows, f).dropna(subset=["occurred_hour"])
        expected = sub.groupby(["occurred_dow", "occurred_hour"]).size()
        assert got.n.sum() == len(sub)
        for r in got.itertuples():
            assert r.n == expected.loc[(r.dow, r.hour)]


def test_goal_matches_pandas(db, app_ctx, rows):
    f = Filters(date(2026, 1, 1), DEMO_END, police_district=("Western",), offense=("larceny",))
    got = queries.gun_violence_by_year.uncached(db, f.geo_only(), 2021, DEMO_END)
    sub = pick(rows, f, dates=False, offense=False)
    gun = sub[sub.is_gun_violence]
    for r in got.itertuples():
        in_year = gun[pd.to_datetime(gun.occurred_date).dt.year == r.year]
        assert r.n == len(in_year)
        md = pd.to_datetime(in_year.occurred_date)
        assert r.ytd == int(((md.dt.month * 100 + md.dt.day) <= DEMO_END.month * 100 + DEMO_END.day).sum())
    assert got.year.tolist() == list(range(2021, DEMO_END.year + 1))


def test_options_and_state(db, app_ctx):
    choices, options, state = load_choices(db)
    assert state["is_demo"] is True and state["data_as_of"] == DEMO_END and state["first_date"] == date(2020, 1, 1)
    assert [name for _, name in options["police_district"]][:2] == ["Central", "Eastern"]
    assert len(options["police_district"]) == 9 and len(options["council_district"]) == 14
    assert [c for c, _ in options["council_district"]][:3] == ["1", "2", "3"]
    assert 250 <= len(options["neighborhood"]) <= 290
    assert len(options["offense"]) == 14
    nb = options["neighborhood"][0][0]
    assert set(options["links"][nb]) == {"police_district", "council_district", "legislative_district"}


def test_gun_violence_definition_holds_in_rows(rows, db, app_ctx):
    with db.engine.connect() as conn:
        bad = conn.execute(text(
            "SELECT count(*) FROM victim WHERE is_gun_violence <> "
            "(offense = 'shooting' OR (offense = 'homicide' AND weapon = 'firearm'))")).scalar()
    assert bad == 0


def test_districts_follow_the_map_in_force(db, app_ctx):
    with db.engine.connect() as conn:
        bad = conn.execute(text(
            "SELECT count(*) FROM victim WHERE police_district IS DISTINCT FROM CASE WHEN occurred_date < "
            "'2023-01-01' THEN police_district_pre2023 ELSE police_district_2023 END")).scalar()
    assert bad == 0
