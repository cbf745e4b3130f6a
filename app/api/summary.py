"""The Summary page's numbers: ``/summary/headline``, ``/summary/trend``, ``/summary/offenses``,
``/summary/hour-weekday`` and ``/summary/goal``.

Each is computed as the page computes it (``callbacks.summary.summary_outputs``): the same
``data_access.summary`` query and the same row-making function of ``layouts.summary``
(``headline_cards``, ``trend_series``, ``offense_rows``, ``heatmap_grid``, ``goal_rows``), so the
download is the chart. Layouts are imported inside the views: importing the API loads no Dash
components. Nothing here knows SQL.
"""

from __future__ import annotations

from datetime import date

from app.api.export import FORMAT, answer, file_name, number, rows_of
from app.api.params import Endpoint, endpoint, filters, meta, read
from app.chance import judge
from app.context import load_choices, services
from data_access import summary as Q
from data_access.vocabulary import OFFENSE_BY_CODE, offense_label

HEADLINE = Endpoint(
    "/summary/headline",
    "The headline cards, one row per `card` (`homicide`, `shooting`, `violent`, `property`, `all`): victims "
    "`current` (this span) and `prior` (the same days a year earlier), `change`, `change_pct` (null below "
    "`PSAD_MIN_COMPARE` earlier victims, as on the page), `note` (why a number is missing) and the change "
    "judged against chance (`app.chance.judge`, an exact conditional Poisson test of the two spans): `verdict` "
    "(`too_few`, `normal` or `unusual`), `p_value`, `ratio` (current rate / prior rate), `ratio_low` and "
    "`ratio_high` (its 95% interval; null when unbounded). `prior_span` gives the earlier dates.",
    params=(FORMAT,),
)

TREND = Endpoint(
    "/summary/trend",
    "The Trend chart: victims per `week` or `month` (`grain`, as the page chooses it for the span): "
    "`period_start`, `period_end`, `victims`, `complete` (false for a period cut short by the dates) and "
    "`average` (the rolling average the chart draws, over `window` periods; null where it is not drawn).",
    params=(FORMAT,),
)

OFFENSES = Endpoint(
    "/summary/offenses",
    "The By offense chart: one row per `offense` (code, `offense_label`, `group`) with victims `current` "
    "(this span), `prior` (the same span a year earlier) and `change`, largest first.",
    params=(FORMAT,),
)

HOUR_WEEKDAY = Endpoint(
    "/summary/hour-weekday",
    "The When it happens grid: 168 rows, one per `weekday` (1 Monday … 7 Sunday, `weekday_name`) and "
    "`hour` (0 … 23, local time), with `victims`.",
    params=(FORMAT,),
)

GOAL = Endpoint(
    "/summary/goal",
    "The Plan's goal: victims of gun violence (homicides by firearm plus non-fatal shootings) per `year` "
    "(`actual`) against the target path (`target`, `PSAD_GOAL_ANNUAL_REDUCTION` fewer a year from "
    "`PSAD_GOAL_BASELINE_YEAR`), `partial` (the current year, through the data's date, against a prorated "
    "target), `vs_target_pct`, and `standing` as the page judges it: `below` or `above` the path only when the "
    "difference is unusual for chance (`verdict`, the headline cards' test), else `near`. Geography filters "
    "apply; dates and offenses do not, as on the page.",
    params=(FORMAT,),
)


_UNSET = object()


HEADLINE_COLUMNS = rows_of(HEADLINE, ["card", "title", "current", "prior", "change", "change_pct", "note", "verdict",
                                      "p_value", "ratio", "ratio_low", "ratio_high"])


@endpoint(HEADLINE)
def summary_headline():
    from layouts.summary import NOTE_PARTIAL_PRIOR, headline_cards

    svc = services()
    args = read(HEADLINE)
    choices, _options, state = load_choices(svc.db)
    f, state = filters(HEADLINE, loaded=(choices, state))
    cards = headline_cards(Q.offense_counts(svc.db, f), f, min_compare=svc.settings.min_compare,
                           first_date=choices.first_date)
    p = f.prior()
    rows = []
    for c in cards:
        row = {"card": c.key, "title": c.title, "current": c.current, "prior": c.prior, "change": c.change,
               "change_pct": None if c.pct is None else round(c.pct, 4), "note": c.note or None}
        # the page's judgement (layouts.summary.Card.judgement); judged only where both spans are counted in full
        j = getattr(c, "judgement", _UNSET)
        if j is _UNSET:
            j = (judge(c.current, c.prior, f.days, p.days)
                 if c.current is not None and c.prior is not None and c.note != NOTE_PARTIAL_PRIOR else None)
        if j is not None:
            row.update(verdict=j.verdict, p_value=number(j.p_value), ratio=number(j.ratio),
                       ratio_low=number(j.low), ratio_high=number(j.high))
        rows.append(row)
    columns = HEADLINE_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-headline", f),
                  prior_span={"start": p.start.isoformat(), "end": p.end.isoformat()}, **meta(f, state))


TREND_COLUMNS = rows_of(TREND, ["period_start", "period_end", "victims", "complete", "average"])


@endpoint(TREND)
def summary_trend():
    from layouts.summary import trend_series

    db = services().db
    args = read(TREND)
    f, state = filters(TREND)
    grain = Q.trend_grain(f)
    t = trend_series(Q.trend(db, f, grain), grain)
    rows = [{"period_start": s, "period_end": e, "victims": n, "complete": c,
             "average": None if a is None else round(a, 4)}
            for s, e, n, c, a in zip(t.starts, t.ends, t.counts, t.complete, t.average)]
    columns = TREND_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-trend", f),
                  grain=grain, window=t.window, **meta(f, state))


OFFENSES_COLUMNS = rows_of(OFFENSES, ["offense", "offense_label", "group", "current", "prior", "change"])


@endpoint(OFFENSES)
def summary_offenses():
    from layouts.summary import offense_rows

    db = services().db
    args = read(OFFENSES)
    f, state = filters(OFFENSES)
    rows = [{"offense": o, "offense_label": offense_label(o), "group": OFFENSE_BY_CODE[o].group,
             "current": cur, "prior": pri, "change": cur - pri}
            for o, cur, pri in offense_rows(Q.offense_counts(db, f))]
    p = f.prior()
    columns = OFFENSES_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-by-offense", f),
                  prior_span={"start": p.start.isoformat(), "end": p.end.isoformat()}, **meta(f, state))


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


HOUR_WEEKDAY_COLUMNS = rows_of(HOUR_WEEKDAY, ["weekday", "weekday_name", "hour", "victims"])


@endpoint(HOUR_WEEKDAY)
def summary_hour_weekday():
    from layouts.summary import heatmap_grid

    db = services().db
    args = read(HOUR_WEEKDAY)
    f, state = filters(HOUR_WEEKDAY)
    grid = heatmap_grid(Q.hour_by_weekday(db, f))
    rows = [{"weekday": int(d), "weekday_name": WEEKDAYS[int(d) - 1], "hour": int(h), "victims": int(grid.at[d, h])}
            for d in grid.index for h in grid.columns]
    columns = HOUR_WEEKDAY_COLUMNS
    return answer(args["format"], columns, rows, file_name("victims-by-hour-weekday", f), **meta(f, state))


GOAL_COLUMNS = rows_of(GOAL, ["year", "actual", "target", "partial", "vs_target_pct", "standing", "verdict"])


@endpoint(GOAL)
def summary_goal():
    from layouts.summary import goal_rows

    svc = services()
    s = svc.settings
    args = read(GOAL)
    choices, _options, state = load_choices(svc.db)
    f, state = filters(GOAL, loaded=(choices, state))
    through = choices.today
    df = goal_rows(Q.gun_violence_by_year(svc.db, f.geo_only(), s.goal_baseline_year, through),
                   baseline_year=s.goal_baseline_year, reduction=s.goal_annual_reduction, through=through)
    # the page's standing against the path (layouts.summary.goal_standing): "below" or "above" only when
    # the difference is unusual for chance, else "near"; with its verdict
    rows = [{"year": int(r.year), "actual": int(r.actual), "target": float(r.target), "partial": bool(r.partial),
             "vs_target_pct": number(r.vs_target_pct, 4),
             "standing": r.standing, "verdict": r.verdict}
            for r in df.itertuples(index=False)]
    columns = GOAL_COLUMNS
    first = date(int(df.year.min()), 1, 1) if len(df) else date(s.goal_baseline_year, 1, 1)
    return answer(args["format"], columns, rows, file_name("gun-violence-goal", f, first, through),
                  baseline_year=s.goal_baseline_year, annual_reduction=s.goal_annual_reduction,
                  through=through.isoformat(), **meta(f, state))
