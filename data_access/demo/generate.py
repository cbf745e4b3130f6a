"""The synthetic demo dataset: victims, arrests, State's Attorney cases and charges, CVI sites.

Owns the numbers the app shows when no real data is loaded. ``generate`` returns DataFrames
whose columns are exactly the schema's tables (minus ``id``/``load_id``; ``charges`` carries
``case_number`` for the loader to map to ``case_id``), placed on the synthetic city from
``geography``. Volumes, offense mix, seasonality, hours, demographics and spatial clustering
follow published Baltimore patterns closely enough that every chart looks like the real one,
while no row describes a real event or person (no names anywhere; points on a block grid).

Everything is vectorised numpy (one draw per table, never a Python loop per row), so the full
2012-to-today dataset takes seconds and 10x scale fits in a few GB. Output is a pure function of
(scale, start, end, seed): each table draws from its own child of one ``SeedSequence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access import schema
from data_access.demo.geography import LINK_LAYERS, PRE2023, Y2023, DemoGeography, build_geography
from data_access.vocabulary import (
    AGE_BANDS,
    CHARGE_CATEGORIES,
    DISPOSITIONS,
    ETHNICITIES,
    OFFENSE_BY_CODE,
    OFFENSES,
    POPULATION_ETHNICITIES,
    POPULATION_RACES,
    RACES,
    SEXES,
    WEAPONS,
)

TZ = "America/New_York"
SOURCE = "demo"
MAP_CHANGE = np.datetime64(schema.DISTRICT_MAP_CHANGE, "D")
FIRST_YEAR = 2012  # the yearly tables below start here; other years reuse the nearest one

OFF = tuple(o.code for o in OFFENSES)
_O = {c: i for i, c in enumerate(OFF)}
_W = {w: i for i, w in enumerate(WEAPONS)}


def _cdf(p) -> np.ndarray:
    """Cumulative distribution(s) along the last axis, ending at exactly 1."""
    p = np.asarray(p, float)
    c = np.cumsum(p, axis=-1) / p.sum(axis=-1, keepdims=True)
    c[..., -1] = 1.0
    return c


# --- victims: yearly volumes (2012..2026) -------------------------------------------------

PART1_TOTAL = (49000, 49500, 47000, 50000, 50500, 52000, 49000, 47500, 40000, 39500, 41000,
               41000, 37500, 35500, 35000)  # fmt: skip
HOMICIDES = (217, 235, 211, 342, 318, 342, 309, 348, 335, 337, 333, 262, 201, 140, 130)
SHOOTINGS = (380, 400, 420, 620, 690, 770, 680, 770, 730, 725, 680, 530, 420, 330, 300)
# Share of the remaining Part 1 victims, then per-year multipliers where the mix moved.
MIX = {
    "larceny": 0.28, "common_assault": 0.18, "burglary": 0.13, "larceny_auto": 0.11,
    "agg_assault": 0.10, "auto_theft": 0.09, "robbery_street": 0.05, "robbery_commercial": 0.01,
    "robbery_residence": 0.007, "robbery_carjacking": 0.006, "rape": 0.006, "arson": 0.004,
}  # fmt: skip
TRENDS = {
    # Kia/Hyundai thefts from late 2022.
    "auto_theft": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.35, 2.0, 1.7, 1.45, 1.35),
    "robbery_carjacking": (1, 1, 1, 1.1, 1.2, 1.3, 1.2, 1.1, 1.6, 2.0, 2.3, 2.1, 1.5, 1.2, 1.1),
    "burglary": tuple(np.linspace(1.2, 0.7, 15)),
    "robbery_street": tuple(np.linspace(1.1, 0.8, 15)),
}

# How each offense varies: summer amplitude, weekend lift, hour-of-day peak and spread,
# chance that an incident has a further victim, and spatial concentration (power of risk).
_VIOLENT_DOW = (0.95, 0.93, 0.94, 0.96, 1.03, 1.10, 1.09)  # Mon..Sun
_PROPERTY_DOW = (1.02, 1.02, 1.02, 1.02, 1.04, 0.96, 0.92)
#                  season  dow  hour kappa  multi  risk^  commerce
PROFILE = {
    "homicide":           (0.20, 1, 23, 1.1, 0.05, 1.6, 0.0),
    "shooting":           (0.22, 1, 23, 1.1, 0.12, 1.6, 0.0),
    "rape":               (0.10, 1, 1, 0.6, 0.02, 0.6, 0.0),
    "robbery_street":     (0.16, 1, 22, 0.8, 0.10, 1.1, 0.3),
    "robbery_commercial": (0.10, 1, 20, 0.7, 0.15, 0.8, 1.5),
    "robbery_residence":  (0.12, 1, 23, 0.6, 0.15, 1.0, 0.0),
    "robbery_carjacking": (0.14, 1, 22, 0.8, 0.10, 1.0, 0.3),
    "agg_assault":        (0.18, 1, 21, 0.8, 0.10, 1.2, 0.1),
    "common_assault":     (0.14, 1, 19, 0.6, 0.08, 0.7, 0.3),
    "burglary":           (0.06, 0, 13, 0.5, 0.03, 0.4, 0.3),
    "larceny":            (0.10, 0, 15, 0.8, 0.02, 0.2, 1.5),
    "larceny_auto":       (0.08, 0, 2, 0.4, 0.01, 0.4, 0.8),
    "auto_theft":         (0.07, 0, 22, 0.4, 0.00, 0.6, 0.2),
    "arson":              (0.10, 0, 1, 0.7, 0.02, 0.8, 0.0),
}  # fmt: skip

# weapon -> crime code, per offense; several codes share one weapon where BPD splits further.
WEAPON_P = {
    "homicide": {"firearm": 0.85, "knife": 0.08, "other": 0.04, "hands": 0.03},
    "shooting": {"firearm": 1.0},
    "rape": {"hands": 0.85, "firearm": 0.05, "knife": 0.05, "other": 0.05},
    "robbery_street": {"firearm": 0.35, "knife": 0.08, "other": 0.07, "hands": 0.50},
    "robbery_commercial": {"firearm": 0.55, "knife": 0.10, "other": 0.05, "hands": 0.30},
    "robbery_residence": {"firearm": 0.40, "knife": 0.15, "other": 0.10, "hands": 0.35},
    "robbery_carjacking": {"firearm": 0.70, "knife": 0.05, "other": 0.05, "hands": 0.20},
    "agg_assault": {"firearm": 0.30, "knife": 0.25, "other": 0.35, "hands": 0.10},
    "common_assault": {"hands": 0.88, "none": 0.12},
    "burglary": {"none": 1.0},
    "larceny": {"none": 1.0},
    "larceny_auto": {"none": 1.0},
    "auto_theft": {"none": 1.0},
    "arson": {"none": 0.8, "other": 0.2},
}
CRIME_CODES = {  # offense -> {weapon: ((code, weight), ...)}
    "homicide": {"firearm": "1F", "knife": "1K", "other": "1O", "hands": "1P"},
    "shooting": {"firearm": "9S"},
    "rape": {"*": (("2A", 0.85), ("2B", 0.15))},
    "robbery_street": {"firearm": "3AF", "knife": "3AK", "other": "3AO", "hands": "3B"},
    "robbery_commercial": {"firearm": "3CF", "knife": "3CK", "other": "3CO", "hands": "3D"},
    "robbery_residence": {"firearm": "3JF", "knife": "3JK", "other": "3JO", "hands": "3K"},
    "robbery_carjacking": {"firearm": "3LF", "knife": "3LK", "other": "3LO", "hands": "3M"},
    "agg_assault": {"firearm": "4A", "knife": "4B", "other": "4C", "hands": "4D"},
    "common_assault": {"*": "4E"},
    "burglary": {"*": (("5A", 0.5), ("5B", 0.2), ("5D", 0.3))},
    "larceny": {"*": (("6C", 0.3), ("6E", 0.1), ("6F", 0.05), ("6G", 0.25), ("6J", 0.3))},
    "larceny_auto": {"*": "6D"},
    "auto_theft": {"*": (("7A", 0.9), ("7C", 0.1))},
    "arson": {"*": (("8AO", 0.5), ("8BO", 0.25), ("8H", 0.25))},
}
DESCRIPTIONS = {
    "homicide": "HOMICIDE", "shooting": "SHOOTING", "rape": "RAPE",
    "robbery_street": "ROBBERY - STREET", "robbery_commercial": "ROBBERY - COMMERCIAL",
    "robbery_residence": "ROBBERY - RESIDENCE", "robbery_carjacking": "ROBBERY - CARJACKING",
    "agg_assault": "AGG. ASSAULT", "common_assault": "COMMON ASSAULT", "burglary": "BURGLARY",
    "larceny": "LARCENY", "larceny_auto": "LARCENY FROM AUTO", "auto_theft": "AUTO THEFT",
    "arson": "ARSON",
}  # fmt: skip

PREMISES = (  # (BPD-style premise, inside/outside)
    ("STREET", "outside"), ("ROW/TOWNHOUSE-OCC", "inside"), ("APT/CONDO-OCC", "inside"),
    ("SINGLE HOUSE", "inside"), ("PARKING LOT-OUTSIDE", "outside"), ("ALLEY", "outside"),
    ("YARD", "outside"), ("RETAIL/SMALL BUSINESS", "inside"), ("DEPARTMENT STORE", "inside"),
    ("CONVENIENCE STORE", "inside"), ("GROCERY/CONFECTION", "inside"), ("RESTAURANT", "inside"),
    ("BAR", "inside"), ("GAS STATION", "outside"), ("PARKING GARAGE", "inside"),
    ("VACANT BUILDING", "inside"), ("SCHOOL", "inside"), ("PUBLIC HOUSING", "inside"),
    ("DRIVEWAY", "outside"), ("BUS STOP", "outside"), (None, None),
)  # fmt: skip
_P = {p: i for i, (p, _) in enumerate(PREMISES)}
PREMISE_P = {
    "homicide": {"STREET": 55, "ALLEY": 8, "ROW/TOWNHOUSE-OCC": 15, "APT/CONDO-OCC": 6, "YARD": 4,
                 "PARKING LOT-OUTSIDE": 5, "VACANT BUILDING": 3, "BAR": 2, "GAS STATION": 2},
    "shooting": {"STREET": 62, "ALLEY": 7, "ROW/TOWNHOUSE-OCC": 8, "YARD": 5,
                 "PARKING LOT-OUTSIDE": 7, "APT/CONDO-OCC": 3, "GAS STATION": 3, "BAR": 2,
                 "BUS STOP": 3},
    "rape": {"ROW/TOWNHOUSE-OCC": 35, "APT/CONDO-OCC": 30, "SINGLE HOUSE": 10, "STREET": 8,
             "VACANT BUILDING": 5, "ALLEY": 4, "YARD": 3, "PARKING LOT-OUTSIDE": 5},
    "robbery_street": {"STREET": 70, "ALLEY": 6, "PARKING LOT-OUTSIDE": 10, "BUS STOP": 6,
                       "PUBLIC HOUSING": 3, "YARD": 5},
    "robbery_commercial": {"CONVENIENCE STORE": 25, "RETAIL/SMALL BUSINESS": 25,
                           "GAS STATION": 15, "RESTAURANT": 12, "GROCERY/CONFECTION": 12,
                           "DEPARTMENT STORE": 6, "BAR": 5},
    "robbery_residence": {"ROW/TOWNHOUSE-OCC": 55, "APT/CONDO-OCC": 30, "SINGLE HOUSE": 10,
                          "PUBLIC HOUSING": 5},
    "robbery_carjacking": {"STREET": 55, "PARKING LOT-OUTSIDE": 20, "DRIVEWAY": 10,
                           "GAS STATION": 10, "PARKING GARAGE": 5},
    "agg_assault": {"STREET": 35, "ROW/TOWNHOUSE-OCC": 25, "APT/CONDO-OCC": 12, "ALLEY": 4,
                    "YARD": 4, "BAR": 4, "PARKING LOT-OUTSIDE": 6, "RETAIL/SMALL BUSINESS": 4,
                    "PUBLIC HOUSING": 3, "SCHOOL": 3},
    "common_assault": {"ROW/TOWNHOUSE-OCC": 30, "APT/CONDO-OCC": 18, "STREET": 20,
                       "RETAIL/SMALL BUSINESS": 7, "SCHOOL": 7, "SINGLE HOUSE": 5,
                       "PARKING LOT-OUTSIDE": 4, "RESTAURANT": 3, "BAR": 3, "PUBLIC HOUSING": 3},
    "burglary": {"ROW/TOWNHOUSE-OCC": 50, "APT/CONDO-OCC": 15, "SINGLE HOUSE": 10,
                 "RETAIL/SMALL BUSINESS": 8, "VACANT BUILDING": 7, "RESTAURANT": 3, "SCHOOL": 2,
                 "YARD": 5},
    "larceny": {"RETAIL/SMALL BUSINESS": 22, "DEPARTMENT STORE": 15, "GROCERY/CONFECTION": 10,
                "STREET": 12, "ROW/TOWNHOUSE-OCC": 15, "APT/CONDO-OCC": 6,
                "PARKING LOT-OUTSIDE": 5, "YARD": 5, "CONVENIENCE STORE": 4, "RESTAURANT": 3,
                "SCHOOL": 3},
    "larceny_auto": {"STREET": 60, "PARKING LOT-OUTSIDE": 15, "PARKING GARAGE": 8,
                     "DRIVEWAY": 12, "ALLEY": 5},
    "auto_theft": {"STREET": 72, "PARKING LOT-OUTSIDE": 12, "DRIVEWAY": 8, "PARKING GARAGE": 5,
                   "GAS STATION": 3},
    "arson": {"VACANT BUILDING": 30, "ROW/TOWNHOUSE-OCC": 25, "STREET": 20, "ALLEY": 10,
              "YARD": 5, "SINGLE HOUSE": 5, "APT/CONDO-OCC": 5},
}

# Victim demographics: age = loc + gamma(shape, scale); P(male), P(sex unknown); base P(Black).
VICTIM_DEMOGRAPHICS = {
    "homicide": (14, 2.0, 7.5, 0.88, 0.00, 0.70),
    "shooting": (13, 2.0, 6.5, 0.88, 0.00, 0.70),
    "rape": (12, 1.6, 8.0, 0.10, 0.01, 0.62),
    "robbery_street": (14, 2.0, 10.0, 0.65, 0.02, 0.62),
    "robbery_commercial": (16, 2.2, 10.0, 0.55, 0.05, 0.55),
    "robbery_residence": (14, 2.0, 11.0, 0.55, 0.02, 0.66),
    "robbery_carjacking": (16, 2.2, 10.0, 0.60, 0.02, 0.62),
    "agg_assault": (14, 2.2, 9.0, 0.62, 0.01, 0.72),
    "common_assault": (10, 2.5, 9.0, 0.42, 0.01, 0.64),
    "burglary": (18, 3.0, 9.0, 0.48, 0.06, 0.56),
    "larceny": (18, 3.0, 9.0, 0.45, 0.08, 0.50),
    "larceny_auto": (18, 3.0, 9.0, 0.52, 0.05, 0.48),
    "auto_theft": (18, 3.0, 9.0, 0.55, 0.05, 0.58),
    "arson": (18, 3.0, 9.0, 0.50, 0.15, 0.60),
}
# SEXES, RACES, ETHNICITIES, AGE_BANDS: data_access.vocabulary; the probability tuples below
# follow the vocabulary's order.
NON_BLACK_RACE_P = (0.78, 0.06, 0.02, 0.14)  # White, Asian, American Indian, Unknown

# --- arrests -------------------------------------------------------------------------------

ARRESTS = (40000, 38500, 36000, 29000, 26500, 25000, 23500, 21500, 15500, 16000, 16500, 17500,
           17000, 16500, 16000)  # fmt: skip
ARREST_DOW = (1.05, 1.07, 1.07, 1.06, 1.02, 0.9, 0.8)  # Mon..Sun
CATEGORIES = CHARGE_CATEGORIES.codes
_C = {c: i for i, c in enumerate(CATEGORIES)}
# Yearly share of arrests by charge category; drug arrests fell as enforcement changed.
CATEGORY_SHARE = {
    "violent": np.linspace(0.16, 0.27, 15),
    "weapons": np.linspace(0.04, 0.10, 15),
    "drugs": np.array([34, 33, 31, 28, 26, 24, 22, 20, 13, 12, 12, 11, 11, 10, 10]) / 100,
    "property": np.full(15, 0.12),
    "warrant": np.linspace(0.16, 0.22, 15),
    "traffic": np.full(15, 0.05),
    "public_order": np.linspace(0.08, 0.05, 15),
    "other": np.full(15, 0.06),
}
# category -> (power of risk, weight of commerce, peak hour) for where and when arrests happen.
ARREST_PLACE = {
    "violent": (1.2, 0.1, 18), "weapons": (1.5, 0.0, 20), "drugs": (1.6, 0.1, 16),
    "property": (0.4, 1.2, 15), "warrant": (0.9, 0.0, 12), "traffic": (0.5, 0.3, 22),
    "public_order": (1.0, 0.8, 18), "other": (0.8, 0.2, 15),
}  # fmt: skip
# (category, statute, description, severity, gun charge, incident offense text, offense, weight)
CHARGES = (
    ("violent", "1 1420", "ASSAULT-SEC DEGREE", "misdemeanor", False, "4E-Common Assault",
     "common_assault", 0.42),
    ("violent", "1 1415", "ASSAULT-FIRST DEGREE", "felony", False, "4C-Agg. Asslt.- Oth.",
     "agg_assault", 0.20),
    ("violent", "1 0621", "ROBBERY", "felony", False, "3B-Robb Highway (Ua)", "robbery_street",
     0.12),
    ("violent", "1 0607", "ARMED ROBBERY", "felony", False, "3AF-Robb Hwy-Firearm",
     "robbery_street", 0.08),
    ("violent", "1 1600", "CARJACKING", "felony", False, "3LF-Carjacking-Firearm",
     "robbery_carjacking", 0.03),
    ("violent", "1 0900", "MURDER-FIRST DEGREE", "felony", False, "1F-Homicide-Firearm",
     "homicide", 0.02),
    ("violent", "1 0905", "ATT MURDER-FIRST DEGREE", "felony", False, "9S-Shooting", "shooting",
     0.03),
    ("violent", "2 0520", "RAPE-FIRST DEGREE", "felony", False, "2A-Rape (Force)", "rape", 0.01),
    ("violent", "1 1425", "RECKLESS ENDANGERMENT", "misdemeanor", False, None, None, 0.09),
    ("weapons", "1 5211", "HANDGUN ON PERSON", "misdemeanor", True, "Handgun Violation", None,
     0.35),
    ("weapons", "1 5212", "HANDGUN IN VEHICLE", "misdemeanor", True, "Handgun Violation", None,
     0.15),
    ("weapons", "1 5299", "FIREARM POSSESSION W/FELONY CONVICTION", "felony", True,
     "Handgun Violation", None, 0.20),
    ("weapons", "1 5213", "USE OF FIREARM IN FELONY/VIOLENT CRIME", "felony", True,
     "Handgun Violation", None, 0.15),
    ("weapons", "1 1111", "DEADLY WEAPON-INTENT TO INJURE", "misdemeanor", False, None, None,
     0.15),
    ("drugs", "1 0233", "CDS:POSSESS-NOT MARIHUANA", "misdemeanor", False, "87-Narcotics", None,
     0.45),
    ("drugs", "1 0573", "CDS:POSS W/I DIST:NARC", "felony", False, "87-Narcotics", None, 0.30),
    ("drugs", "1 4310", "CDS:DISTRIBUTE-NARC", "felony", False, "87-Narcotics", None, 0.15),
    ("drugs", "1 0617", "CDS:POSSESS MARIHUANA 10 GM+", "misdemeanor", False, "87-Narcotics",
     None, 0.10),
    ("property", "1 1300", "THEFT LESS THAN $100", "misdemeanor", False, "6J-Larceny- Other",
     "larceny", 0.25),
    ("property", "1 1301", "THEFT $100 TO UNDER $1,500", "misdemeanor", False,
     "6C-Larceny- Shoplifting", "larceny", 0.25),
    ("property", "1 1302", "THEFT $1,500 TO UNDER $25,000", "felony", False,
     "6G-Larceny- From Bldg.", "larceny", 0.07),
    ("property", "1 0620", "BURGLARY-FIRST DEGREE", "felony", False, "5A-Burg. Res. (Force)",
     "burglary", 0.08),
    ("property", "1 0640", "BURGLARY-FOURTH DEGREE", "misdemeanor", False,
     "5D-Burg. Oth. (Noforce)", "burglary", 0.08),
    ("property", "1 1106", "MOTOR VEHICLE/UNLAWFUL TAKING", "felony", False, "7A-Stolen Auto",
     "auto_theft", 0.12),
    ("property", "1 1305", "THEFT FROM MOTOR VEHICLE", "misdemeanor", False,
     "6D-Larceny- From Auto", "larceny_auto", 0.03),
    ("property", "1 0404", "MAL DESTRUCTION PROP/VALUE -$1,000", "misdemeanor", False, None,
     None, 0.11),
    ("property", "1 0760", "ARSON-FIRST DEGREE", "felony", False, "8AO-Arson Other", "arson",
     0.01),
    ("warrant", "4 3550", "FAILURE TO APPEAR", "misdemeanor", False, None, None, 0.45),
    ("warrant", "4 3560", "BENCH WARRANT", "misdemeanor", False, None, None, 0.25),
    ("warrant", "4 3540", "VIOLATION OF PROBATION", "misdemeanor", False, None, None, 0.20),
    ("warrant", "4 3570", "FUGITIVE FROM JUSTICE", "felony", False, None, None, 0.10),
    ("traffic", "2 4210", "DRIVING UNDER THE INFLUENCE OF ALCOHOL", "misdemeanor", False, None,
     None, 0.35),
    ("traffic", "2 4220", "DRIVING WITHOUT A LICENSE", "misdemeanor", False, None, None, 0.30),
    ("traffic", "2 4102", "DRIVING ON SUSPENDED LICENSE", "misdemeanor", False, None, None,
     0.25),
    ("traffic", "2 4230", "FLEEING AND ELUDING POLICE", "misdemeanor", False, None, None, 0.10),
    ("public_order", "1 1635", "TRESPASS: PRIVATE PROPERTY", "misdemeanor", False,
     "115-Trespassing", None, 0.35),
    ("public_order", "1 2301", "DISORDERLY CONDUCT", "misdemeanor", False,
     "55-Disorderly Person", None, 0.35),
    ("public_order", "1 2500", "ALCOHOL: OPEN CONTAINER", "misdemeanor", False, "79-Other", None,
     0.15),
    ("public_order", "1 2310", "FAILURE TO OBEY REASONABLE ORDER", "misdemeanor", False,
     "55-Disorderly Person", None, 0.15),
    ("other", "1 2410", "VIOLATE PROTECTIVE ORDER", "misdemeanor", False, "79-Other", None, 0.30),
    ("other", "1 3300", "RESISTING ARREST", "misdemeanor", False, None, None, 0.25),
    ("other", "1 5800", "FALSE STATEMENT TO OFFICER", "misdemeanor", False, None, None, 0.15),
    ("other", "1 4100", "HARASSMENT", "misdemeanor", False, "79-Other", None, 0.20),
    ("other", "1 0009", "CONSPIRACY", "felony", False, None, None, 0.10),
)
_CH = {f: np.array([c[i] for c in CHARGES], dtype=object) for i, f in enumerate(
    ("category", "statute", "description", "severity", "gun", "incident", "offense", "w"))}
_CH_CAT = np.array([_C[c] for c in _CH["category"]])
# Per category, the distribution over CHARGES (rows) used to pick a charge of that category.
_WITHIN_CDF = _cdf([[c[7] if _C[c[0]] == k else 0 for c in CHARGES] for k in range(len(_C))])
UNKNOWN_INCIDENT_P = 0.35  # BPD leaves the incident offense as "Unknown Offense" this often

# --- cases ---------------------------------------------------------------------------------

CASE_P = {"violent": 0.85, "weapons": 0.9, "drugs": 0.7, "property": 0.7, "warrant": 0.2,
          "traffic": 0.55, "public_order": 0.3, "other": 0.6}  # fmt: skip
DRUG_CASE_P_FROM_2020 = 0.35  # the SAO stopped prosecuting drug possession in 2020
# Further charges on a case, by the category of the arrest charge.
COMPANIONS = {
    "violent": {"violent": 0.5, "weapons": 0.25, "property": 0.1, "other": 0.15},
    "weapons": {"weapons": 0.55, "drugs": 0.25, "violent": 0.1, "other": 0.1},
    "drugs": {"drugs": 0.75, "weapons": 0.15, "other": 0.1},
    "property": {"property": 0.8, "other": 0.2},
    "warrant": {"other": 0.5, "drugs": 0.2, "property": 0.3},
    "traffic": {"traffic": 0.8, "other": 0.2},
    "public_order": {"public_order": 0.6, "other": 0.2, "drugs": 0.2},
    "other": {"other": 0.6, "public_order": 0.2, "violent": 0.2},
}
N_CHARGES_P = (0.35, 0.30, 0.20, 0.15)
OUTCOMES = tuple(d for d in DISPOSITIONS.codes if d != "pending")  # decided: OUTCOME_P follows this order
# Case outcome by court. Further counts of a conviction are often dropped, so per charge this
# comes to about 28% guilty, 11% lesser, 45% nolle prosequi or stet, 11% dismissed, 3% acquitted.
OUTCOME_P = {
    "circuit": (0.42, 0.17, 0.19, 0.08, 0.09, 0.05),
    "district": (0.37, 0.145, 0.235, 0.10, 0.125, 0.025),
}
FELONY_SENTENCES = (
    "1 year", "18 months, all suspended, 2 years probation", "2 years, 1 suspended, 2 years "
    "probation", "3 years", "3 years, 2 suspended, 3 years probation", "5 years",
    "5 years, 3 suspended, 2 years probation", "5 years, 4 suspended, 3 years probation",
    "8 years, 5 suspended, 3 years probation", "10 years", "10 years, 5 suspended, 5 years "
    "probation", "15 years, 10 suspended, 5 years probation", "20 years, 12 suspended, 5 years "
    "probation", "Probation before judgment, 3 years probation",
)  # fmt: skip
MISDEMEANOR_SENTENCES = (
    "Probation before judgment, 1 year probation", "Probation before judgment, 18 months "
    "probation", "90 days, all suspended, 1 year probation", "6 months, all suspended, 18 months "
    "probation", "1 year, all suspended, 2 years probation", "30 days", "60 days, 30 suspended",
    "Time served", "Fine $250", "Fine $500, 1 year probation",
)  # fmt: skip

# --- CVI sites -----------------------------------------------------------------------------

CVI_OPERATORS = {
    "safe_streets": ("Harborside Community Partners", "Eastside Peace Alliance",
                     "Westside Youth Collaborative", "Neighbors United for Peace",
                     "New Dawn Outreach", "Common Ground Community Center"),
    "hospital_vip": ("Harbor General Hospital", "Northside Medical Center",
                     "Eastview Medical Center", "Westfield Children's Hospital"),
    "school_vip": ("Youth Peace Partners", "School Safety Collaborative", "Bright Paths Mentoring"),
    "victim_services": ("Harbor Family Justice Center", "Survivor Support Network",
                        "Victim Advocacy Center", "Bridgeway Family Services",
                        "Safe Harbor Legal Aid"),
}
CVI_SERVICES = {
    "safe_streets": "Violence interruption; conflict mediation; outreach to people at highest risk;"
                    " referrals to jobs, housing and treatment",
    "hospital_vip": "Bedside intervention after a violent injury; case management; "
                    "mental-health and trauma counseling; follow-up after discharge",
    "school_vip": "Conflict resolution and mentoring in schools; restorative practices; "
                  "support for students exposed to violence",
    "victim_services": "Crisis support; court accompaniment; relocation and compensation "
                       "assistance; counseling for survivors and families",
}
CVI_HOURS = {
    "safe_streets": "Mon-Fri 10am-10pm; street outreach Fri-Sun until 2am",
    "hospital_vip": "24/7 on call; office Mon-Fri 8:30am-5pm",
    "school_vip": "School days 8am-4pm",
    "victim_services": "Mon-Fri 9am-5pm; 24-hour hotline",
}
CVI_COUNTS = {"safe_streets": 12, "hospital_vip": 4, "school_vip": 6, "victim_services": 8}


@dataclass
class DemoData:
    """One generated dataset; the frames hold the schema's columns (see module docstring)."""

    victims: pd.DataFrame
    arrests: pd.DataFrame
    cases: pd.DataFrame
    charges: pd.DataFrame  # has case_number; the loader maps it to case_id
    cvi_sites: pd.DataFrame
    geography: DemoGeography
    data_as_of: date
    population: pd.DataFrame | None = None  # population_group rows (see population_groups)


def columns(table, drop=("id", "load_id")) -> list[str]:
    return [c.name for c in table.columns if c.name not in drop]


VICTIM_COLUMNS = columns(schema.victim)
ARREST_COLUMNS = columns(schema.arrest)
CASE_COLUMNS = columns(schema.sao_case)
CHARGE_COLUMNS = ["case_number" if c == "case_id" else c for c in columns(schema.case_charge)]
CVI_COLUMNS = columns(schema.cvi_site)


def generate(
    scale: float = 1.0,
    start: date = date(2012, 1, 1),
    end: date | None = None,
    seed: int = 2021,
    geography: DemoGeography | None = None,
) -> DemoData:
    """The demo dataset for records dated ``start``..``end`` (inclusive; ``end`` defaults to a
    week ago, like the real weekly refresh). ``scale`` multiplies every volume but CVI sites."""
    end = end or date.today() - timedelta(days=7)
    if end < start or scale < 0:
        raise ValueError("need start <= end and scale >= 0")
    geo = geography or build_geography(seed)
    ss = np.random.SeedSequence([seed, 7])
    r_vic, r_arr, r_case, r_cvi = (np.random.default_rng(s) for s in ss.spawn(4))
    victims = _victims(r_vic, geo, scale, start, end)
    arrests, charge_template = _arrests(r_arr, geo, scale, start, end)
    cases, charges = _cases(r_case, arrests, charge_template, end)
    # Own child streams, so adding them left every earlier table's draws unchanged.
    r_link, r_pop = (np.random.default_rng(s) for s in np.random.SeedSequence([seed, 11]).spawn(2))
    arrests["cc_number"] = _link_arrests(r_link, arrests, victims)
    return DemoData(victims, arrests, cases, charges, _cvi_sites(r_cvi, geo, end), geo, end,
                    population_groups(r_pop, geo))


# --- vectorised helpers ---------------------------------------------------------------------


def _pick(rng, cdf, row=None, n=None) -> np.ndarray:
    """One category per sample from ``cdf`` (m,) or (k, m) cumulative probabilities, where
    sample i uses distribution ``row[i]``: a single searchsorted over the stacked rows."""
    cdf = np.atleast_2d(cdf)
    k, m = cdf.shape
    row = np.zeros(n, np.int64) if row is None else np.asarray(row, np.int64)
    stacked = (cdf + np.arange(k)[:, None]).ravel()
    idx = np.searchsorted(stacked, row + rng.random(len(row)), side="right") - row * m
    return np.minimum(idx, m - 1)


def _year_index(years) -> np.ndarray:
    return np.clip(np.asarray(years) - FIRST_YEAR, 0, len(HOMICIDES) - 1)


def _daily_rates(start, end, annual_fn, season, peak, dow_table, holiday=None):
    """Expected counts per day (rows) and series (columns): each calendar year's total from
    ``annual_fn(years)`` spread by a summer cosine and a day-of-week factor, so partial years
    get their share of the year."""
    d0 = np.datetime64(f"{start.year}-01-01", "D")
    cal = np.arange(d0, np.datetime64(f"{end.year + 1}-01-01", "D"))
    years = cal.astype("datetime64[Y]").astype(int) + 1970
    doy = (cal - cal.astype("datetime64[Y]").astype("datetime64[D]")).astype(int)
    dow = (cal.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    f = 1 + np.asarray(season)[None, :] * np.cos(2 * np.pi * (doy[:, None] - peak) / 365.25)
    f = f * np.asarray(dow_table)[dow]
    if holiday is not None:
        f = f * holiday(cal)
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
    per_year = np.add.reduceat(f, starts, axis=0)
    year_of_day = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(cal)]))
    lam = annual_fn(years[starts])[year_of_day] * f / per_year[year_of_day]
    lo = (np.datetime64(start, "D") - d0).astype(int)
    hi = (np.datetime64(end, "D") - d0).astype(int) + 1
    return cal[lo:hi], lam[lo:hi]


def _hour_cdf(peaks, kappas) -> np.ndarray:
    """Hour-of-day distributions peaking at ``peaks`` (von Mises-like, sharper with kappa)."""
    angle = 2 * np.pi * (np.arange(24)[None] - np.asarray(peaks)[:, None]) / 24
    return _cdf(np.exp(np.asarray(kappas)[:, None] * np.cos(angle)))


def _to_local(rng, days, hour_cdf, row, no_time_p):
    """Local wall-clock times -> (aware timestamps, local dates, local hours, ISO dow)."""
    n = len(days)
    hour = _pick(rng, hour_cdf, row)
    minute = rng.integers(0, 60, n)
    no_time = rng.random(n) < no_time_p
    secs = np.where(no_time, 0, hour * 3600 + minute * 60)
    naive = days.astype("datetime64[s]") + secs.astype("timedelta64[s]")
    # The fall-back hour happens twice: take the first (DST) one; the spring-forward gap is
    # shifted to 3am, and the local fields below are read from the result.
    aware = pd.DatetimeIndex(naive).tz_localize(TZ, ambiguous=np.ones(n, bool),
                                                nonexistent="shift_forward")
    local = aware.tz_localize(None)
    hours = pd.array(local.hour, dtype="Int64")
    hours[no_time] = pd.NA
    return aware, local.normalize().values, hours, (local.dayofweek + 1).to_numpy(np.int16)


def _grid_points(rng, geo, nb) -> np.ndarray:
    """A block-grid point inside each given neighborhood, drawn by the grid weights."""
    g = geo.grid
    cum = np.cumsum(g["weight"].to_numpy())
    first = np.searchsorted(g["nbhd"].to_numpy(), np.arange(len(geo.neighborhoods)))
    last = np.r_[first[1:], len(g)] - 1
    lo = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)[nb]
    v = lo + rng.random(len(nb)) * (cum[last][nb] - lo)
    return np.clip(np.searchsorted(cum, v, side="right"), first[nb], last[nb])


def _strs(a) -> pd.Series:
    """Pandas ``str`` column from an object/StringDType array (None -> missing)."""
    return pd.Series(np.asarray(a).astype(object), dtype="str")


def _lookup(values, idx) -> pd.Series:
    """``values[idx]`` as a ``str`` column (the rows share the few string objects)."""
    return _strs(np.asarray(values, dtype=object)[idx])


def _join(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays/scalars, as numpy StringDType."""
    sd = np.dtypes.StringDType()
    out = np.asarray(parts[0]).astype(sd)
    for p in parts[1:]:
        out = np.strings.add(out, np.asarray(p).astype(sd))
    return out


def _zfill(a, width) -> np.ndarray:
    return np.strings.zfill(np.asarray(a).astype(np.dtypes.StringDType()), width)


def _geo_columns(geo, nb, grid_idx, days) -> tuple[dict, np.ndarray]:
    """The shared location columns (police district under the map in force on each record's
    date), and the post under that same map."""
    t = geo.neighborhoods
    post_change = days >= MAP_CHANGE
    cols = {
        "police_district": np.where(post_change, t[Y2023].to_numpy()[nb],
                                    t[PRE2023].to_numpy()[nb]),
        "neighborhood": t["code"].to_numpy()[nb],
        **{layer: t[layer].to_numpy()[nb] for layer in LINK_LAYERS},
        "block": geo.grid["block"].to_numpy()[grid_idx],
        "lon": geo.grid["lon"].to_numpy()[grid_idx],
        "lat": geo.grid["lat"].to_numpy()[grid_idx],
    }
    post = np.where(post_change, t["post_2023"].to_numpy()[nb], t["post_pre2023"].to_numpy()[nb])
    return {k: (v if k in ("lon", "lat") else _strs(v)) for k, v in cols.items()}, post


def _nb_weights(geo, risk_power, commerce) -> np.ndarray:
    """Relative incident rates per neighborhood: residents times a power of the hotspot risk,
    plus a commercial term (shops and downtown draw theft whoever lives there)."""
    t = geo.neighborhoods
    pop = t["population"].to_numpy(float)
    risk, com = t["risk"].to_numpy(), t["commerce"].to_numpy()
    rp, cw = np.asarray(risk_power, float)[:, None], np.asarray(commerce, float)[:, None]
    shops = com * pop.mean() * 0.5 * ~t["tiny"].to_numpy()
    return pop[None] * risk[None] ** rp + cw * shops[None]


# --- victims --------------------------------------------------------------------------------


def _annual_victims(years) -> np.ndarray:
    yi = _year_index(years)
    out = np.zeros((len(yi), len(OFF)))
    out[:, _O["homicide"]] = np.take(HOMICIDES, yi)
    out[:, _O["shooting"]] = np.take(SHOOTINGS, yi)
    rest = np.take(PART1_TOTAL, yi) - out.sum(axis=1)
    share = np.zeros((len(yi), len(OFF)))
    for o, s in MIX.items():
        share[:, _O[o]] = s * np.take(TRENDS.get(o, np.ones(15)), yi)
    out += share / share.sum(axis=1, keepdims=True) * rest[:, None]
    return out


def _holidays(cal) -> np.ndarray:
    """July 4th and New Year's bring bursts of shootings."""
    md = (cal - cal.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    month = cal.astype("datetime64[M]").astype(int) % 12 + 1
    bump = ((month == 7) & ((md == 4) | (md == 5))) | ((month == 1) & (md == 1))
    f = np.ones((len(cal), len(OFF)))
    f[bump, _O["shooting"]] = f[bump, _O["homicide"]] = 1.6
    return f


def _victims(rng, geo, scale, start, end) -> pd.DataFrame:
    """Part 1 victims: incidents drawn per day and offense, placed, timed and coded, then
    expanded to one row per victim."""
    prof = np.array([PROFILE[o] for o in OFF], float)
    season, is_violent, peak_h, kappa, multi, risk_pow, commerce = prof.T
    dow_table = np.where(is_violent[None, :] == 1, np.array(_VIOLENT_DOW)[:, None],
                         np.array(_PROPERTY_DOW)[:, None])
    days, lam = _daily_rates(start, end, _annual_victims, season, 200, dow_table, _holidays)
    # Draw incidents; each has a geometric number of victims (mean 1 / (1 - multi)), so the
    # incident rate is the victim rate times (1 - multi).
    counts = rng.poisson(lam * scale * (1 - multi)[None, :])
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    day_i, off = days[cell // len(OFF)], cell % len(OFF)
    n = len(off)

    nb = _pick(rng, _cdf(_nb_weights(geo, risk_pow, commerce)), off)
    grid_idx = _grid_points(rng, geo, nb)
    aware, local_date, hours, dow = _to_local(rng, day_i, _hour_cdf(peak_h, kappa), off, 0.01)
    weapon_p = np.array([[WEAPON_P[o].get(w, 0) for w in WEAPONS] for o in OFF])
    weapon = _pick(rng, _cdf(weapon_p), off)
    code = np.empty(n, dtype=object)
    for o_name, table in CRIME_CODES.items():
        for w_name, choices in table.items():
            m = off == _O[o_name]
            if w_name != "*":
                m &= weapon == _W[w_name]
            if isinstance(choices, str):
                code[m] = choices
            else:
                codes, p = zip(*choices)
                code[m] = np.asarray(codes, dtype=object)[_pick(rng, _cdf(p), n=m.sum())]
    premise_p = np.array([[PREMISE_P[o].get(p, 0) for p, _ in PREMISES] for o in OFF], float)
    premise_p[:, -1] = premise_p.sum(axis=1) * 0.02  # 2% unknown
    premise = _pick(rng, _cdf(premise_p), off)

    # Chronological order, so CC numbers run through each month like BPD's.
    order = np.lexsort((aware.asi8, local_date))
    nb, grid_idx, off, weapon, code, premise = (a[order] for a in (nb, grid_idx, off, weapon,
                                                                   code, premise))
    aware, local_date, hours, dow = aware[order], local_date[order], hours[order], dow[order]
    ym = local_date.astype("datetime64[M]")
    seq = np.arange(n) - np.searchsorted(ym, ym) + 1
    month_letter = np.array(list("ABCDEFGHIJKL"))[ym.astype(int) % 12]
    yy = _zfill((ym.astype("datetime64[Y]").astype(int) + 1970) % 100, 2)
    cc = _join(yy, month_letter, _zfill(seq, 6))

    # Victims of each incident.
    size = rng.geometric(1 - multi[off])
    inc = np.repeat(np.arange(n), size)
    vseq = np.arange(len(inc)) - np.repeat(np.cumsum(size) - size, size) + 1
    off_v, nb_v = off[inc], nb[inc]
    m = len(inc)
    loc, shape, scl, p_male, p_unk, p_black = np.array([VICTIM_DEMOGRAPHICS[o] for o in OFF]).T[
        :, off_v
    ]
    age = loc + rng.gamma(shape, scl)
    age = pd.array(np.where(age > 95, loc + age % 40, age).astype(np.int64), dtype="Int64")
    property_ = np.array([OFFENSE_BY_CODE[o].group == "property" for o in OFF])[off_v]
    age[rng.random(m) < np.where(property_, 0.08, 0.03)] = pd.NA  # e.g. business victims
    u = rng.random(m)
    sex = np.where(u < p_male, 0, np.where(u < 1 - p_unk, 1, 2))
    bs = geo.neighborhoods["black_share"].to_numpy()[nb_v]
    black = rng.random(m) < np.clip(p_black + 0.6 * (bs - 0.64), 0.02, 0.98)
    race = np.where(black, 0, 1 + _pick(rng, _cdf(NON_BLACK_RACE_P), n=m))
    eth = _pick(rng, _cdf((0.05, 0.82, 0.13)), n=m)

    geo_cols, post = _geo_columns(geo, nb_v, grid_idx[inc], local_date[inc])
    offense = np.asarray(OFF, dtype=object)[off_v]
    weapon_v = np.asarray(WEAPONS, dtype=object)[weapon[inc]]
    cc_v = cc[inc]
    gun = (offense == "shooting") | ((offense == "homicide") & (weapon_v == "firearm"))
    df = pd.DataFrame({
        "source": SOURCE,
        "source_key": _strs(_join(cc_v, "-", vseq)),
        "cc_number": _strs(cc_v),
        "occurred_at": aware[inc],
        "occurred_date": local_date[inc],
        "occurred_hour": hours[inc],
        "occurred_dow": dow[inc],
        "crime_code": _strs(code[inc]),
        "description": _lookup([DESCRIPTIONS[o] for o in OFF], off_v),
        "offense": _strs(offense),
        "offense_group": _lookup([OFFENSE_BY_CODE[o].group for o in OFF], off_v),
        "weapon": _strs(weapon_v),
        "is_gun_violence": gun,
        "premise": _lookup([p for p, _ in PREMISES], premise[inc]),
        "inside_outside": _lookup([io for _, io in PREMISES], premise[inc]),
        "victim_age": age,
        "victim_sex": _lookup(SEXES, sex),
        "victim_race": _lookup(RACES, race),
        "victim_ethnicity": _lookup(ETHNICITIES, eth),
        "post": _strs(post),
        **geo_cols,
    })
    df["source"] = df["source"].astype("str")
    return df[VICTIM_COLUMNS]


# --- arrests --------------------------------------------------------------------------------


def _arrests(rng, geo, scale, start, end) -> tuple[pd.DataFrame, np.ndarray]:
    """Arrests, and the index into CHARGES of each one's charge (the cases start from it)."""
    days, lam = _daily_rates(
        start, end, lambda y: np.take(ARRESTS, _year_index(y))[:, None].astype(float),
        season=[0.07], peak=170, dow_table=np.array(ARREST_DOW)[:, None])
    counts = rng.poisson(lam[:, 0] * scale)
    day_i = np.repeat(days, counts)
    n = len(day_i)
    yi = _year_index(day_i.astype("datetime64[Y]").astype(int) + 1970)
    share = np.array([CATEGORY_SHARE[c] for c in CATEGORIES]).T  # (year, category)
    cat = _pick(rng, _cdf(share), yi)
    tmpl = _pick(rng, _WITHIN_CDF, cat)
    place = np.array([ARREST_PLACE[c] for c in CATEGORIES], float)
    nb = _pick(rng, _cdf(_nb_weights(geo, place[:, 0], place[:, 1])), cat)
    grid_idx = _grid_points(rng, geo, nb)
    aware, local_date, hours, _ = _to_local(rng, day_i, _hour_cdf(place[:, 2], np.full(8, 0.6)),
                                            cat, 0.004)
    order = np.lexsort((aware.asi8, local_date))
    tmpl, cat, nb, grid_idx = tmpl[order], cat[order], nb[order], grid_idx[order]
    aware, local_date, hours = aware[order], local_date[order], hours[order]

    juvenile = rng.random(n) < 0.03
    adult = 18 + rng.gamma(1.6, 9.0, n)
    adult = np.where(adult > 70, 18 + adult % 52, adult)
    age = np.where(juvenile, rng.integers(13, 18, n), adult).astype(np.int64)
    age = pd.array(age, dtype="Int64")
    age[rng.random(n) < 0.003] = pd.NA
    u = rng.random(n)
    sex = np.where(u < 0.82, 0, np.where(u < 0.997, 1, 2))
    bs = geo.neighborhoods["black_share"].to_numpy()[nb]
    black = rng.random(n) < np.clip(0.84 + 0.5 * (bs - 0.64), 0.05, 0.99)
    race = np.where(black, 0, 1 + _pick(rng, _cdf((0.88, 0.04, 0.02, 0.06)), n=n))
    eth = _pick(rng, _cdf((0.03, 0.87, 0.10)), n=n)

    incident = _CH["incident"][tmpl].copy()
    offense = _CH["offense"][tmpl].copy()
    unknown = (rng.random(n) < UNKNOWN_INCIDENT_P) | pd.isna(incident)
    incident[unknown], offense[unknown] = "Unknown Offense", None
    geo_cols, post = _geo_columns(geo, nb, grid_idx, local_date)
    df = pd.DataFrame({
        "source": _strs(np.full(n, SOURCE, dtype=object)),
        "arrest_number": _strs(_join(11_000_001 + np.arange(n))),
        "source_key": _strs(_join("demo:", 11_000_001 + np.arange(n))),
        "arrested_at": aware,
        "arrest_date": local_date,
        "arrest_hour": hours,
        "age": age,
        "sex": _strs(np.asarray(SEXES, dtype=object)[sex]),
        "race": _strs(np.asarray(RACES, dtype=object)[race]),
        "ethnicity": _strs(np.asarray(ETHNICITIES, dtype=object)[eth]),
        "charge": _strs(_CH["statute"][tmpl]),
        "charge_description": _strs(_CH["description"][tmpl]),
        "charge_category": _strs(np.asarray(CATEGORIES, dtype=object)[cat]),
        "incident_offense": _strs(incident),
        "offense": _strs(offense),
        "post": _strs(post),
        **geo_cols,
    })
    df["cc_number"] = pd.Series([None] * n, dtype="str")  # filled by _link_arrests
    return df[ARREST_COLUMNS], tmpl


# --- State's Attorney cases and charges ------------------------------------------------------


def _cases(rng, arrests, tmpl_all, end):
    cat_all = _CH_CAT[tmpl_all]
    p = np.array([CASE_P[c] for c in CATEGORIES])[cat_all]
    arrest_day = arrests["arrest_date"].to_numpy().astype("datetime64[D]")
    p = np.where((cat_all == _C["drugs"]) & (arrest_day >= np.datetime64("2020-01-01")),
                 DRUG_CASE_P_FROM_2020, p)
    lag = np.minimum(rng.geometric(0.2, len(p)) - 1, 30)
    filed = arrest_day + lag
    keep = (rng.random(len(p)) < p) & (filed <= np.datetime64(end, "D"))
    src = arrests.loc[keep]
    tmpl, filed = tmpl_all[keep], filed[keep]
    order = np.argsort(filed, kind="stable")
    src, tmpl, filed = src.iloc[order], tmpl[order], filed[order]
    n = len(src)

    felony = _CH["severity"][tmpl] == "felony"
    gun = _CH["gun"][tmpl].astype(bool)
    circuit = rng.random(n) < np.where(felony, 0.8, np.where(gun, 0.35, 0.03))
    year = filed.astype("datetime64[Y]").astype(int) + 1970
    # Numbers count up through each year and court: 8YYnnnnnn circuit, 6BYYnnnnnn district.
    key = year * 2 + circuit
    srt = np.lexsort((np.arange(n), key))
    rank = np.empty(n, np.int64)
    ks = key[srt]
    rank[srt] = np.arange(n) - np.searchsorted(ks, ks)
    yy = _zfill(year % 100, 2)
    number = np.where(circuit, _join("8", yy, _zfill(rank + 1, 6)),
                      _join("6B", yy, _zfill(rank + 1, 6)))
    age = src["age"].to_numpy(dtype=float, na_value=np.nan)
    band = np.searchsorted([18, 25, 35, 45, 55], age, side="right")
    band_s = np.where(np.isnan(age), None, np.asarray(AGE_BANDS, dtype=object)[np.minimum(band, 5)])
    cases = pd.DataFrame({
        "source": _strs(np.full(n, SOURCE, dtype=object)),
        "case_number": _strs(number),
        "filed_date": filed.astype("datetime64[s]"),
        "court": _strs(np.where(circuit, "circuit", "district").astype(object)),
        "arrest_number": src["arrest_number"].to_numpy(),
        "defendant_age_band": _strs(band_s),
        "defendant_sex": src["sex"].to_numpy(),
        "defendant_race": src["race"].to_numpy(),
        **{c: src[c].to_numpy() for c in ("police_district", "neighborhood", "council_district",
                                          "legislative_district", "csa")},
    })
    for c in cases.columns:
        if cases[c].dtype == object:
            cases[c] = cases[c].astype("str")

    # Charges: the arrest charge first, then companions typical of it.
    k = _pick(rng, _cdf(N_CHARGES_P), n=n) + 1
    case = np.repeat(np.arange(n), k)
    seq = np.arange(len(case)) - np.repeat(np.cumsum(k) - k, k) + 1
    comp = np.array([[COMPANIONS[c].get(d, 0) for d in CATEGORIES] for c in CATEGORIES])
    extra_cat = _pick(rng, _cdf(comp), _CH_CAT[tmpl][case])
    ch_tmpl = np.where(seq == 1, tmpl[case], _pick(rng, _WITHIN_CDF, extra_cat))

    # One outcome per case, decided on one date; extra counts of a conviction are mostly
    # dropped (nolle prosequi), as in plea deals.
    outcome = np.where(circuit, _pick(rng, _cdf(OUTCOME_P["circuit"]), n=n),
                       _pick(rng, _cdf(OUTCOME_P["district"]), n=n))
    convicted = outcome[case] <= 1
    dropped = (seq > 1) & convicted & (rng.random(len(case)) < 0.5)
    disp = np.where(dropped, OUTCOMES.index("nolle_prosequi"), outcome[case])
    delay = np.where(circuit, 60 + rng.gamma(2.5, 90, n), 30 + rng.gamma(2.0, 40, n))
    decided = filed + np.minimum(delay, 500).astype("timedelta64[D]")
    pending = (decided > np.datetime64(end, "D"))[case]
    disp_s = np.asarray(OUTCOMES, dtype=object)[disp]
    disp_s[pending] = "pending"
    ch_felony = _CH["severity"][ch_tmpl] == "felony"
    felony_s = np.asarray(FELONY_SENTENCES, dtype=object)
    misd_s = np.asarray(MISDEMEANOR_SENTENCES, dtype=object)
    sentence = np.where(ch_felony, felony_s[rng.integers(0, len(felony_s), len(case))],
                        misd_s[rng.integers(0, len(misd_s), len(case))])
    sentence[~np.isin(disp_s, ["guilty", "guilty_lesser"])] = None
    disp_date = decided[case].astype("datetime64[s]")
    disp_date[pending] = np.datetime64("NaT")
    charges = pd.DataFrame({
        "case_number": cases["case_number"].to_numpy()[case],
        "seq": seq.astype(np.int16),
        "statute": _strs(_CH["statute"][ch_tmpl]),
        "description": _strs(_CH["description"][ch_tmpl]),
        "severity": _strs(_CH["severity"][ch_tmpl]),
        "charge_category": _strs(_CH["category"][ch_tmpl]),
        "is_gun_charge": _CH["gun"][ch_tmpl].astype(bool),
        "disposition": _strs(disp_s),
        "disposition_date": disp_date,
        "sentence_summary": _strs(sentence),
    })
    charges["case_number"] = charges["case_number"].astype("str")
    return cases[CASE_COLUMNS], charges[CHARGE_COLUMNS]


# --- CVI sites ------------------------------------------------------------------------------


def _area_served(program_type: str, neighborhood: str, council_district: str) -> str:
    if program_type == "safe_streets":
        return f"{neighborhood} and the surrounding blocks"
    if program_type == "school_vip":
        return f"Schools in City Council District {council_district}"
    return "Citywide"


def _cvi_sites(rng, geo, end) -> pd.DataFrame:
    """About 30 programs, not scaled. Safe Streets sits where shootings concentrate; hospitals
    near downtown; schools and victim services spread over the city."""
    t = geo.neighborhoods
    pop, risk = t["population"].to_numpy(float), t["risk"].to_numpy()
    violence = pop * risk**1.6
    centre_dist = np.hypot(t["lon"] - t["lon"].mean(), t["lat"] - t["lat"].mean()).to_numpy()
    chosen: list[int] = []

    def spread(score, k):
        """Best-scoring neighborhoods, one per CSA so sites do not cluster."""
        used, out = set(t["csa"].to_numpy()[chosen]), []
        for i in np.argsort(-score, kind="stable"):
            if i not in chosen and t["csa"].iat[i] not in used and pop[i] > 100:
                out.append(int(i))
                used.add(t["csa"].iat[i])
                chosen.append(int(i))
            if len(out) == k:
                break
        return out

    rows = []
    plan = {
        "safe_streets": spread(violence, CVI_COUNTS["safe_streets"]),
        "hospital_vip": spread(1 / (centre_dist + 0.01) * rng.uniform(0.5, 1.5, len(t)),
                               CVI_COUNTS["hospital_vip"]),
        "school_vip": spread(violence * rng.uniform(0.2, 1.0, len(t)), CVI_COUNTS["school_vip"]),
        "victim_services": spread(pop * rng.uniform(0.2, 1.0, len(t)),
                                  CVI_COUNTS["victim_services"]),
    }
    for ptype, nbs in plan.items():
        ops = CVI_OPERATORS[ptype]
        for j, i in enumerate(nbs):
            nbhd = t["code"].iat[i]
            if ptype == "safe_streets":
                name, op = f"Safe Streets {nbhd}", ops[j % len(ops)]
            elif ptype == "hospital_vip":
                name, op = f"{ops[j]} Violence Intervention Program", ops[j]
            elif ptype == "school_vip":
                name, op = f"{nbhd} High School Peace Program", ops[j % len(ops)]
            else:
                op = ops[j % len(ops)]
                name = f"{op} - {nbhd}" if j >= len(ops) else op
            rows.append((ptype, name, op, i))
    nb = np.array([r[3] for r in rows])
    g = _grid_points(rng, geo, nb)
    grid = geo.grid
    map_col = Y2023 if np.datetime64(end, "D") >= MAP_CHANGE else PRE2023
    started = np.datetime64("2007-07-01") + rng.integers(0, 15 * 365, len(rows))
    started = started.astype("datetime64[M]").astype("datetime64[s]")  # open on the 1st
    df = pd.DataFrame({
        "source": SOURCE,
        "name": [r[1] for r in rows],
        "program_type": [r[0] for r in rows],
        "operator": [r[2] for r in rows],
        "services": [CVI_SERVICES[r[0]] for r in rows],
        "hours": [CVI_HOURS[r[0]] for r in rows],
        "phone": [f"410-555-01{k:02d}" for k in range(len(rows))],
        "url": pd.Series([None] * len(rows), dtype="str"),
        "started": started,
        "address": grid["block"].to_numpy()[g],
        "area_served": [_area_served(r[0], t["code"].iat[r[3]], t["council_district"].iat[r[3]])
                        for r in rows],
        "lon": grid["lon"].to_numpy()[g],
        "lat": grid["lat"].to_numpy()[g],
        "police_district": t[map_col].to_numpy()[nb],
        **{c: t[c if c != "neighborhood" else "code"].to_numpy()[nb]
           for c in ("neighborhood", "council_district", "legislative_district", "csa")},
    })
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("str")
    return df[CVI_COLUMNS]


# --- the incident an arrest clears; residents by group ----------------------------------------

# An arrest for a canonical offense clears an earlier incident of that offense: most within
# weeks, some long after (cold cases), which is what separates same-year from earlier-year
# clearances on the Arrests page.
LINK_SOON_P = 0.8
LINK_SOON_MEAN_DAYS = 25
LINK_LATE_MAX_DAYS = 3 * 365


def _link_arrests(rng, arrests: pd.DataFrame, victims: pd.DataFrame) -> pd.Series:
    """``cc_number`` of the incident each arrest clears: an incident of the arrest's offense on
    or before the arrest date, preferring one in the same police district. Arrests with no
    canonical offense (or no earlier incident) stay unlinked."""
    n = len(arrests)
    out = np.full(n, None, dtype=object)
    if n == 0 or len(victims) == 0:
        return pd.Series(out, dtype="str", index=arrests.index)
    a_off = arrests["offense"].to_numpy(dtype=object, na_value=None)
    a_day = arrests["arrest_date"].to_numpy().astype("datetime64[D]")
    soon = rng.random(n) < LINK_SOON_P
    lag = np.where(soon, rng.geometric(1 / LINK_SOON_MEAN_DAYS, n) - 1,
                   rng.integers(60, LINK_LATE_MAX_DAYS, n))
    target = a_day - lag.astype("timedelta64[D]")
    inc = victims.drop_duplicates("cc_number")[["cc_number", "offense", "occurred_date"]]
    for code in pd.unique(a_off[pd.notna(a_off)]):
        rows = inc[inc["offense"] == code].sort_values("occurred_date", kind="stable")
        if rows.empty:
            continue
        days = rows["occurred_date"].to_numpy().astype("datetime64[D]")
        ccs = rows["cc_number"].to_numpy(dtype=object)
        m = np.flatnonzero(a_off == code)
        j = np.searchsorted(days, target[m], side="right") - 1
        # Jitter among the few incidents just before the target, so one incident is not
        # cleared by every arrest that lands on the same day.
        j = j - rng.integers(0, 3, len(m))
        ok = j >= 0
        out[m[ok]] = ccs[j[ok]]
    return pd.Series(out, dtype="str", index=arrests.index)


AGE_SHARE = (0.20, 0.10, 0.18, 0.13, 0.12, 0.27)  # Under 18 .. 55+ (2020-census-like)


def _apportion(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integer counts per row that sum exactly to ``total`` (largest-remainder rounding)."""
    shares = shares / shares.sum(axis=1, keepdims=True)
    raw = shares * total[:, None]
    base = np.floor(raw).astype(np.int64)
    short = total - base.sum(axis=1)
    order = np.argsort(-(raw - base), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return base + (rank < short[:, None])


def population_groups(rng, geo: DemoGeography) -> pd.DataFrame:
    """Synthetic residents by age band, sex, race and ethnicity for every neighborhood and the
    city: each dimension sums to the neighborhood's population, race follows the
    neighborhood's ``black_share``, and areas with more Black residents are a little younger
    (as in Baltimore's census tables). Columns: population_group's."""
    from data_access.demo.geography import POPULATION_YEAR

    t = geo.neighborhoods
    pop = t["population"].to_numpy(np.int64)
    b = t["black_share"].to_numpy(float)
    k = len(t)
    age = np.asarray(AGE_SHARE)[None, :] * rng.lognormal(0, 0.12, (k, len(AGE_SHARE)))
    age[:, 0] *= 0.85 + 0.3 * b
    age[:, 1] *= 1 + 0.8 * t["commerce"].to_numpy() / t["commerce"].max()  # students downtown
    female = np.clip(0.53 + rng.normal(0, 0.015, k), 0.45, 0.6)
    rest = 1 - b
    race = np.stack([b, rest * 0.80, rest * 0.08, rest * 0.01, rest * 0.11], axis=1)
    race = race * rng.lognormal(0, 0.1, race.shape)
    hisp = np.clip(0.055 * rng.lognormal(0, 0.6, k), 0.005, 0.4)
    dims = {
        "age_band": (AGE_BANDS, age),
        "sex": (("Male", "Female"), np.stack([1 - female, female], axis=1)),
        "race": (POPULATION_RACES, race),
        "ethnicity": (POPULATION_ETHNICITIES, np.stack([hisp, 1 - hisp], axis=1)),
    }
    frames = []
    for dim, (cats, shares) in dims.items():
        counts = _apportion(pop, shares)
        nb = pd.DataFrame({"layer": "neighborhood", "code": np.repeat(t["code"].to_numpy(), len(cats)),
                           "dimension": dim, "category": np.tile(np.asarray(cats, dtype=object), k),
                           "population": counts.ravel()})
        city = pd.DataFrame({"layer": "city", "code": "baltimore", "dimension": dim,
                             "category": list(cats), "population": counts.sum(axis=0)})
        frames += [nb, city]
    out = pd.concat(frames, ignore_index=True)
    out.insert(2, "year", POPULATION_YEAR)
    for c in ("layer", "code", "dimension", "category"):
        out[c] = out[c].astype("str")
    return out[["layer", "code", "year", "dimension", "category", "population"]]
