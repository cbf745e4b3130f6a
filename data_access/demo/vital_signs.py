"""Synthetic BNIA Vital Signs for the demo city (issue 15), loaded inside the demo's transaction.

The demo city's CSAs (``data.geography`` layer ``csa``) get about forty indicators in BNIA's
eight sections, every whole calendar year of the demo's victims from 2010 on, and the city's row.
Indicators follow one hidden "hardship" score per CSA (the population-weighted risk of its
neighborhoods) with noise and a slow trend, so the equity view has real spread and correlation.
The "Crime and Safety" section is computed from the demo's own victims, per 1,000 residents of the
CSA, then moved a few percent as BNIA's own geocoding would move it (so BNIA's rates and the
dashboard's differ a little, as they do on real data).

``demo_frames`` builds the rows as BNIA publishes them (the long file and the dictionary);
``write_files`` writes them as CSV files (so the loader is tested on a demo file), ``load_demo``
puts them in the tables directly. Deterministic from ``seed``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

from data_access.schema_vital_signs import CITY

SOURCE_ACS = "American Community Survey (synthetic demo)"
# (indicator, label, section, source, kind, base, hardship slope, yearly trend, low, high)
# kind: pct (0–100), rate (per 1,000, >= 0), money, count (per-CSA total, summed for the city), years
INDICATORS: tuple[tuple, ...] = (
    ("total_population", "Total Population", "Census Demographics", "U.S. Census Bureau (synthetic demo)",
     "count", 0, 0, 0, 0, 1e9),
    ("percent_of_residents_black_african_american_non_hispanic",
     "Percent of Residents - Black/African-American (Non-Hispanic)", "Census Demographics",
     "U.S. Census Bureau (synthetic demo)", "pct", 0, 0, 0, 0, 100),
    ("percent_of_residents_white_caucasian_non_hispanic", "Percent of Residents - White/Caucasian (Non-Hispanic)",
     "Census Demographics", "U.S. Census Bureau (synthetic demo)", "pct", 0, 0, 0, 0, 100),
    ("percent_of_residents_under_the_age_of_18", "Percent of Residents - Under 18", "Census Demographics",
     "U.S. Census Bureau (synthetic demo)", "pct", 21, 4, 0, 5, 45),
    ("percent_of_households_with_children_under_18", "Percent of Households with Children Under 18",
     "Census Demographics", "U.S. Census Bureau (synthetic demo)", "pct", 24, 5, -0.1, 5, 50),
    ("median_household_income", "Median Household Income", "Census Demographics", SOURCE_ACS,
     "money", 52000, -16000, 900, 15000, 160000),
    ("percent_of_family_households_living_below_the_poverty_line",
     "Percent of Family Households Living Below the Poverty Line", "Census Demographics", SOURCE_ACS,
     "pct", 17, 9, -0.25, 1, 60),
    ("median_price_of_homes_sold", "Median Price of Homes Sold", "Housing and Community Development",
     "RBIntel (synthetic demo)", "money", 160000, -70000, 6000, 10000, 600000),
    ("percentage_of_housing_units_that_are_owner_occupied", "Percentage of Housing Units that are Owner-Occupied",
     "Housing and Community Development", "Baltimore City Department of Housing (synthetic demo)",
     "pct", 52, -10, -0.1, 5, 90),
    ("percentage_of_residential_properties_that_are_vacant_and_abandoned",
     "Percentage of Residential Properties that are Vacant and Abandoned", "Housing and Community Development",
     "Baltimore City Department of Housing (synthetic demo)", "pct", 6, 6, -0.1, 0, 45),
    ("percentage_of_properties_under_mortgage_foreclosure", "Percentage of Properties Under Mortgage Foreclosure",
     "Housing and Community Development", "Baltimore City Circuit Court (synthetic demo)", "pct", 2.5, 1, -0.1, 0, 12),
    ("percentage_of_residential_properties_with_housing_violations_excluding_vacants",
     "Percentage of Residential Properties with Housing Violations (Excluding Vacants)",
     "Housing and Community Development", "Baltimore City Department of Housing (synthetic demo)",
     "pct", 4, 3, -0.05, 0, 30),
    ("life_expectancy", "Life Expectancy", "Children and Family Health", "Baltimore City Health Department "
     "(synthetic demo)", "years", 73.5, -4, 0.05, 60, 90),
    ("teen_pregnancy_rate_per_1_000_females_aged_15_19", "Teen Pregnancy Rate per 1,000 Females (aged 15-19)",
     "Children and Family Health", "Maryland Department of Health (synthetic demo)", "rate", 40, 22, -1.5, 0, 150),
    ("percent_of_babies_born_with_a_satisfactory_birth_weight", "Percent of Babies Born with a Satisfactory Birth "
     "Weight", "Children and Family Health", "Maryland Department of Health (synthetic demo)", "pct", 88, -3, 0.05,
     70, 100),
    ("percent_of_children_aged_0_6_with_elevated_blood_lead_levels", "Percent of Children (aged 0-6) with Elevated "
     "Blood Lead Levels", "Children and Family Health", "Maryland Department of the Environment (synthetic demo)",
     "pct", 1.2, 0.9, -0.08, 0, 10),
    ("percent_of_families_receiving_tanf", "Percent of Families Receiving TANF", "Children and Family Health",
     "Maryland Department of Human Services (synthetic demo)", "pct", 7, 5, -0.2, 0, 35),
    ("part_1_crime_rate_per_1_000_residents", "Part 1 Crime Rate per 1,000 Residents", "Crime and Safety",
     "Baltimore Police Department (synthetic demo)", "crime", 0, 0, 0, 0, 1e6),
    ("violent_crime_rate_per_1_000_residents", "Violent Crime Rate per 1,000 Residents", "Crime and Safety",
     "Baltimore Police Department (synthetic demo)", "crime", 0, 0, 0, 0, 1e6),
    ("property_crime_rate_per_1_000_residents", "Property Crime Rate per 1,000 Residents", "Crime and Safety",
     "Baltimore Police Department (synthetic demo)", "crime", 0, 0, 0, 0, 1e6),
    ("number_of_shootings_per_1_000_residents", "Number of Shootings per 1,000 Residents", "Crime and Safety",
     "Baltimore Police Department (synthetic demo)", "crime", 0, 0, 0, 0, 1e6),
    ("number_of_gun_related_homicides_per_1_000_residents", "Number of Gun-Related Homicides per 1,000 Residents",
     "Crime and Safety", "Baltimore Police Department (synthetic demo)", "crime", 0, 0, 0, 0, 1e6),
    ("number_of_common_assault_calls_for_service_per_1_000_residents",
     "Number of Common Assault Calls for Service per 1,000 Residents", "Crime and Safety",
     "Baltimore Police Department (synthetic demo)", "rate", 30, 22, -0.5, 1, 200),
    ("percent_population_16_64_employed", "Percent Population (16-64) Employed", "Workforce and Economic Development",
     SOURCE_ACS, "pct", 64, -9, 0.3, 25, 90),
    ("unemployment_rate", "Unemployment Rate", "Workforce and Economic Development", SOURCE_ACS,
     "pct", 9, 5, -0.3, 1, 35),
    ("percent_population_25_years_and_over_with_a_bachelors_degree_or_above",
     "Percent Population (25 Years and over) With a Bachelor's Degree or Above",
     "Workforce and Economic Development", SOURCE_ACS, "pct", 30, -16, 0.4, 2, 90),
    ("percent_of_households_with_no_internet_at_home", "Percent of Households with No Internet at Home",
     "Workforce and Economic Development", SOURCE_ACS, "pct", 20, 9, -0.9, 1, 60),
    ("number_of_businesses_per_1_000_residents", "Number of Businesses per 1,000 Residents",
     "Workforce and Economic Development", "InfoUSA (synthetic demo)", "rate", 40, -8, 0.2, 2, 400),
    ("high_school_completion_rate", "High School Completion Rate", "Education and Youth",
     "Baltimore City Public Schools (synthetic demo)", "pct", 78, -9, 0.4, 30, 100),
    ("high_school_dropout_withdrawl_rate", "High School Dropout/Withdrawal Rate", "Education and Youth",
     "Baltimore City Public Schools (synthetic demo)", "pct", 4, 2.5, -0.1, 0, 20),
    ("percent_of_1st_5th_grade_students_that_are_chronically_absent_missing_at_least_20_days",
     "Percent of 1st-5th Grade Students that are Chronically Absent (Missing at least 20 days)",
     "Education and Youth", "Baltimore City Public Schools (synthetic demo)", "pct", 14, 7, 0.3, 1, 60),
    ("kindergarten_school_readiness", "Kindergarten School Readiness", "Education and Youth",
     "Maryland State Department of Education (synthetic demo)", "pct", 45, -9, 0.2, 5, 95),
    ("number_of_persons_with_library_cards_per_1_000_residents",
     "Number of Persons with Library Cards per 1,000 Residents", "Arts and Culture",
     "Enoch Pratt Free Library (synthetic demo)", "rate", 420, -40, -2, 50, 1000),
    ("number_of_event_permits_requested_per_1_000_residents", "Number of Event Permits Requested per 1,000 "
     "Residents", "Arts and Culture", "Baltimore City Department of Transportation (synthetic demo)", "rate",
     4, -1.5, 0.1, 0, 60),
    ("public_art_per_1_000_residents", "Public Art per 1,000 Residents", "Arts and Culture",
     "Baltimore Office of Promotion and the Arts (synthetic demo)", "rate", 1.2, -0.3, 0.03, 0, 20),
    ("percent_of_area_covered_by_trees", "Percent of Area Covered by Trees", "Sustainability",
     "University of Vermont Spatial Analysis Lab (synthetic demo)", "pct", 28, -8, 0.1, 3, 75),
    ("rate_of_dirty_streets_and_alleys_reports_per_1_000_residents",
     "Rate of Dirty Streets and Alleys Reports per 1,000 Residents", "Sustainability",
     "Baltimore City CitiStat (synthetic demo)", "rate", 60, 45, -1, 2, 400),
    ("percent_of_population_that_walks_to_work", "Percent of Population that Walks to Work", "Sustainability",
     SOURCE_ACS, "pct", 6, 1, 0.05, 0, 40),
    ("walk_score", "Walk Score", "Sustainability", "Walk Score (synthetic demo)", "score", 65, 5, 0.2, 10, 100),
    ("percent_population_over_the_age_of_18_who_voted_in_the_general_election",
     "Percent Population (Over the age of 18) who Voted in the General Election", "Sustainability",
     "Maryland State Board of Elections (synthetic demo)", "pct", 45, -8, 0, 10, 85),
)
DEFINITIONS = {
    "count": "The number of residents of the area (synthetic: the demo city's population).",
    "pct": "The share of the area's relevant population, properties or students, in percent (synthetic).",
    "rate": "The number of events in the area per 1,000 residents (synthetic).",
    "money": "A median dollar amount for the area (synthetic).",
    "years": "The average number of years a newborn in the area is expected to live (synthetic).",
    "score": "A score from 0 to 100 (synthetic).",
    "crime": "Part 1 crimes of this kind reported in the area per 1,000 residents, from the demo's own victim "
             "rows, geocoded as BNIA would (synthetic).",
}
CRIME_OFFENSES = {  # crime indicator -> the victims it counts
    "part_1_crime_rate_per_1_000_residents": ("group", ("violent", "property")),
    "violent_crime_rate_per_1_000_residents": ("group", ("violent",)),
    "property_crime_rate_per_1_000_residents": ("group", ("property",)),
    "number_of_shootings_per_1_000_residents": ("offense", ("shooting",)),
    "number_of_gun_related_homicides_per_1_000_residents": ("gun_homicide", ()),
}
FIRST_YEAR = 2010


def demo_years(data) -> list[int]:
    """Whole calendar years of the demo's victims, from 2010 on (or the years it touches, when it
    covers no whole year)."""
    v = data.victims
    if v.empty:
        return []
    first = max(FIRST_YEAR, pd.Timestamp(v["occurred_date"].min()).year)
    if pd.Timestamp(v["occurred_date"].min()) > pd.Timestamp(first, 1, 1):
        first += 1
    last = data.data_as_of.year - (0 if (data.data_as_of.month, data.data_as_of.day) == (12, 31) else 1)
    if first > last:  # a demo shorter than a calendar year: the years it touches
        first, last = max(FIRST_YEAR, pd.Timestamp(v["occurred_date"].min()).year), data.data_as_of.year
    return list(range(first, last + 1))


def _crime_counts(data, years: list[int]) -> dict[str, pd.DataFrame]:
    """indicator -> victims by (csa, year)."""
    from data_access.vocabulary import OFFENSES

    v = data.victims
    year = pd.to_datetime(v["occurred_date"]).dt.year
    group = v["offense"].map({o.code: o.group for o in OFFENSES})
    out = {}
    for ind, (kind, what) in CRIME_OFFENSES.items():
        if kind == "group":
            m = group.isin(what)
        elif kind == "offense":
            m = v["offense"].isin(what)
        else:
            m = (v["offense"] == "homicide") & v["is_gun_violence"].astype(bool)
        m &= year.isin(years) & v["csa"].notna()
        out[ind] = pd.DataFrame({"csa": v["csa"][m], "year": year[m]}).value_counts().rename("n").reset_index()
    return out


def demo_frames(data, seed: int = 2021) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values as BNIA's long file: csa2010, year, indicator, value, label, section, with the city as
    "Baltimore City"; the indicator dictionary: label, section, source, normalization_source,
    definition, indicator, years_available)."""
    years = demo_years(data)
    areas = data.geography.areas
    csas = areas[areas["layer"] == "csa"][["code", "name", "population"]].sort_values("code").reset_index(drop=True)
    cols = ["csa2010", "year", "indicator", "value", "label", "section"]
    dict_cols = ["label", "section", "source", "normalization_source", "definition", "indicator", "years_available"]
    if not years or csas.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=dict_cols)
    rng = np.random.default_rng(seed + 15)
    nb = data.geography.neighborhoods
    w = nb["population"].clip(lower=1)
    risk = (nb["risk"] * w).groupby(nb["csa"]).sum() / w.groupby(nb["csa"]).sum()
    black = (nb["black_share"] * w).groupby(nb["csa"]).sum() / w.groupby(nb["csa"]).sum()
    r = risk.reindex(csas["code"]).fillna(risk.mean()).to_numpy()
    hard = (r - r.mean()) / (r.std() or 1.0)  # the hidden hardship score, mean 0, sd 1
    pop = csas["population"].fillna(0).clip(lower=1).to_numpy(dtype=float)
    n, ny = len(csas), len(years)
    t = np.arange(ny, dtype=float)
    crime = _crime_counts(data, years)
    blocks = []
    for ind, label, section, _source, kind, base, slope, trend, lo, hi in INDICATORS:
        if kind == "count":
            grid = np.repeat(pop[:, None], ny, axis=1)
        elif kind == "crime":
            counts = crime[ind].pivot_table(index="csa", columns="year", values="n", aggfunc="sum")
            counts = counts.reindex(index=csas["code"], columns=years).fillna(0).to_numpy(dtype=float)
            # BNIA geocodes incidents itself: a few percent land in another area or none
            moved = rng.normal(0.97, 0.04, size=counts.shape).clip(0.85, 1.1)
            grid = counts * moved / pop[:, None] * 1000.0
        elif ind == "percent_of_residents_black_african_american_non_hispanic":
            b = black.reindex(csas["code"]).fillna(black.mean()).to_numpy() * 100
            grid = np.repeat(b[:, None], ny, axis=1) + rng.normal(0, 0.6, (n, ny))
        elif ind == "percent_of_residents_white_caucasian_non_hispanic":
            b = black.reindex(csas["code"]).fillna(black.mean()).to_numpy() * 100
            grid = np.repeat(((100 - b) * 0.8)[:, None], ny, axis=1) + rng.normal(0, 0.6, (n, ny))
        else:
            own = rng.normal(0, abs(slope) * 0.35 + abs(base) * 0.03, n)  # each CSA's own level
            noise = rng.normal(0, abs(slope) * 0.08 + abs(base) * 0.015, (n, ny))
            grid = base + slope * hard[:, None] + own[:, None] + trend * t[None, :] + noise
        grid = np.clip(grid, lo, hi)
        # the city: residents-weighted (a count: summed)
        city = grid.sum(axis=0) if kind == "count" else (grid * pop[:, None]).sum(axis=0) / pop.sum()
        if kind == "crime":  # the city's rate from every victim, not the CSAs' mean
            city = grid.T @ pop / pop.sum()
        digits = 0 if kind in ("count", "money") else 4
        vals = np.round(np.vstack([grid, city[None, :]]), digits)
        names = [*csas["name"], "Baltimore City"]
        blocks.append(pd.DataFrame({
            "csa2010": np.repeat(names, ny), "year": np.tile(years, n + 1), "indicator": ind,
            "value": vals.reshape(-1), "label": label, "section": section}))
    values = pd.concat(blocks, ignore_index=True)[cols]
    span = "[" + " ".join(str(y) for y in years) + "]"
    dictionary = pd.DataFrame([{
        "label": label, "section": section, "source": source, "normalization_source": None,
        "definition": DEFINITIONS[kind], "indicator": ind, "years_available": span}
        for ind, label, section, source, kind, *_rest in INDICATORS], columns=dict_cols)
    return values, dictionary


def write_files(data, directory: str | Path, seed: int = 2021) -> tuple[Path, Path]:
    """The demo's Vital Signs as BNIA's two CSV files (``psad ingest vital-signs VALUES
    --indicators DICTIONARY`` loads them): their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    values, dictionary = demo_frames(data, seed)
    vpath, dpath = directory / "vital_signs_demo.csv", directory / "vital_signs_indicators.csv"
    values.to_csv(vpath, index=False)
    dictionary.to_csv(dpath, index=False)
    return vpath, dpath


def table_frames(values: pd.DataFrame, dictionary: pd.DataFrame, areas: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo frames as the two tables' rows (CSA names to codes, the city to ``CITY``)."""
    csa = areas[areas["layer"] == "csa"]
    code = dict(zip(csa["name"], csa["code"])) | {"Baltimore City": CITY}
    rows = pd.DataFrame({"indicator": values["indicator"], "csa": values["csa2010"].map(code),
                         "year": values["year"].astype("int64"), "value": values["value"].astype("float64")})
    ind = dictionary.assign(years_available=dictionary["years_available"].str.strip("[]").str.replace(" ", ","),
                            in_dictionary=True, sort=range(len(dictionary)))
    return rows, ind[["indicator", "label", "section", "source", "normalization_source", "definition",
                      "years_available", "in_dictionary", "sort"]]


def load_demo(conn, data, summary, *, scale: float, seed: int, progress) -> int:
    """Replace the Vital Signs tables with the demo city's; return the rows loaded."""
    from data_access.loading import copy_frame
    from data_access.schema_vital_signs import vital_sign_indicator, vital_sign_value

    present = conn.execute(text("SELECT to_regclass('vital_sign_value') IS NOT NULL")).scalar()
    if not present:  # a database migrated before 0007 had its tables: nothing to load into
        return 0
    conn.execute(text("TRUNCATE vital_sign_value, vital_sign_indicator"))
    values, dictionary = demo_frames(data, seed)
    if values.empty:
        return 0
    rows, ind = table_frames(values, dictionary, data.geography.areas)
    copy_frame(conn, vital_sign_indicator, ind)
    copy_frame(conn, vital_sign_value, rows.assign(load_id=summary.load_id))
    progress("vital signs", len(rows))
    return len(rows)
