"""Canonical offense categories: the one vocabulary every loader maps into.

BPD's Part 1 victim-based crime data carries a CrimeCode and a free-text Description. Every loader
(demo, CSV, ArcGIS) normalizes those into one of the categories below at ingest, so queries never
interpret raw codes. The groups follow BPD's own reporting: *violent* is homicide, non-fatal
shooting, rape, robbery and aggravated assault; *property* is burglary, larceny, larceny from auto,
auto theft and arson; common assault is a Part 1 victim-based row that BPD counts in neither
group, so it only appears in "all Part 1".

Gun violence, the measure of the Comprehensive Violence Prevention Plan's goal, is homicides
committed with a firearm plus non-fatal shootings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offense:
    code: str
    label: str
    group: str  # violent | property | other
    sexual: bool = False  # never shown as points (privacy)


OFFENSES: tuple[Offense, ...] = (
    Offense("homicide", "Homicide", "violent"),
    Offense("shooting", "Non-fatal shooting", "violent"),
    Offense("rape", "Rape", "violent", sexual=True),
    Offense("robbery_street", "Robbery (street)", "violent"),
    Offense("robbery_commercial", "Robbery (commercial)", "violent"),
    Offense("robbery_residence", "Robbery (residence)", "violent"),
    Offense("robbery_carjacking", "Robbery (carjacking)", "violent"),
    Offense("agg_assault", "Aggravated assault", "violent"),
    Offense("common_assault", "Common assault", "other"),
    Offense("burglary", "Burglary", "property"),
    Offense("larceny", "Larceny", "property"),
    Offense("larceny_auto", "Larceny from auto", "property"),
    Offense("auto_theft", "Auto theft", "property"),
    Offense("arson", "Arson", "property"),
)

OFFENSE_BY_CODE = {o.code: o for o in OFFENSES}
GROUP_LABELS = {"violent": "Violent crime", "property": "Property crime", "other": "Other Part 1"}

WEAPONS = ("firearm", "knife", "other", "hands", "none")

# Charge categories for arrests and State's Attorney case charges.
CHARGE_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("violent", "Violent offense"),
    ("weapons", "Weapons / handgun"),
    ("drugs", "Drug offense"),
    ("property", "Property offense"),
    ("warrant", "Warrant / failure to appear"),
    ("traffic", "Traffic"),
    ("public_order", "Public order"),
    ("other", "Other"),
)

DISPOSITIONS: tuple[tuple[str, str], ...] = (
    ("guilty", "Guilty"),
    ("guilty_lesser", "Guilty of a lesser charge"),
    ("nolle_prosequi", "Nolle prosequi"),
    ("stet", "Stet"),
    ("dismissed", "Dismissed"),
    ("acquitted", "Acquitted"),
    ("pending", "Pending"),
)

CVI_PROGRAM_TYPES: tuple[tuple[str, str], ...] = (
    ("safe_streets", "Safe Streets site"),
    ("hospital_vip", "Hospital-based violence intervention"),
    ("school_vip", "School-based violence intervention"),
    ("victim_services", "Victim services provider"),
)


def offense_label(code: str) -> str:
    o = OFFENSE_BY_CODE.get(code)
    return o.label if o else code
