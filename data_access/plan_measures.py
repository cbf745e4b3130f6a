"""The catalog of the Comprehensive Violence Prevention Plan's measures (the Plan KPIs page).

Baltimore's Comprehensive Violence Prevention Plan (MONSE, published 2021, in force July 2021 to
June 2026) lists under "How We Will Measure Progress and Success" the measures by which the city
asked to be judged. This module is the dashboard's list of them: each measure's pillar and result,
its text, the agency responsible, the Plan's target where it states one, and how its value is
obtained: ``computed`` by the dashboard from the data it holds (police records, and the 911-call
and intimate-partner-violence datasets), or ``monse`` (from the CSV MONSE maintains, loaded with
``psad ingest kpi FILE``).

Honesty about the source. This catalog was written WITHOUT the Plan's text at hand (the machine
that built it had no internet access): the three pillars are the Plan's as the city announced them
in July 2021 (a public-health approach to violence; community engagement and inter-agency
collaboration; evaluation and accountability), and the gun-violence goal (homicides plus non-fatal
shootings down 15% a year) is the Plan's own. The result titles and the measures' wordings are
paraphrased from memory of the Plan and its public summaries, not quoted: every measure says so in
its ``wording`` (``paraphrased``), and the page says so too. Before this list is cited in a hearing,
check each wording against the published Plan and change ``wording`` to ``quoted`` only for a text
copied from it. The catalog invents no values: a measure with no data says "not yet published" and
who owes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.text import N_

COMPUTED, MONSE = "computed", "monse"
PARAPHRASED, QUOTED = "paraphrased", "quoted"
COUNT, PERCENT, RATE, DOLLARS = "count", "percent", "rate_100k", "dollars"
# how a computed measure is obtained (``data_access.kpi``)
GUN_VIOLENCE, YOUTH_ARRESTS, RAPE_RATE, DV_SHARE, CALLS_WITHOUT_POLICE = (
    "gun_violence", "youth_arrests", "rape_rate", "dv_share", "calls_without_police")


@dataclass(frozen=True)
class Pillar:
    code: str  # "1", "2", "3"
    title: str  # N_-marked


@dataclass(frozen=True)
class Result:
    code: str  # "1.1"
    pillar: str
    title: str  # N_-marked, paraphrased


@dataclass(frozen=True)
class Measure:
    code: str  # the CSV's ``measure`` column
    result: str  # a Result code
    text: str  # the measure, N_-marked (paraphrased unless ``wording`` is QUOTED)
    agency: str  # who is responsible for the measure, N_-marked
    owner: str  # who owes the data when none is loaded, N_-marked
    method: str  # COMPUTED or MONSE
    unit: str  # COUNT, PERCENT, RATE or DOLLARS
    wording: str = PARAPHRASED
    target: str | None = None  # the Plan's stated target, N_-marked; None: the Plan states none
    direction: str = "down"  # which way is progress: "down" or "up"
    geo: bool = False  # geography filters apply (computed measures from located records)


PILLARS: tuple[Pillar, ...] = (
    Pillar("1", N_("Pillar 1: A public health approach to violence")),
    Pillar("2", N_("Pillar 2: Community engagement and inter-agency collaboration")),
    Pillar("3", N_("Pillar 3: Evaluation and accountability")),
)

RESULTS: tuple[Result, ...] = (
    Result("1.1", "1", N_("Result 1.1: Fewer people are shot and killed")),
    Result("1.2", "1", N_("Result 1.2: Young people are safe and kept out of the justice system")),
    Result("1.3", "1", N_("Result 1.3: Survivors of domestic and sexual violence are safer and supported")),
    Result("2.1", "2", N_("Result 2.1: Communities lead violence intervention, with city support")),
    Result("2.2", "2", N_("Result 2.2: The right responder answers each call for help")),
    Result("3.1", "3", N_("Result 3.1: Residents feel safe and trust public safety agencies")),
)

GOAL_TARGET = N_("15% fewer each year (the Plan's goal)")

MEASURES: tuple[Measure, ...] = (
    Measure(GUN_VIOLENCE, "1.1", N_("Homicides and non-fatal shootings (victims of gun violence)"),
            N_("MONSE with the Police Department (BPD)"), N_("the Police Department (BPD): Part 1 crime data"),
            COMPUTED, COUNT, target=GOAL_TARGET, geo=True),
    Measure("gvrs_rearrest", "1.1", N_("Share of Group Violence Reduction Strategy (GVRS) participants re-arrested "
                                       "for a violent offense"),
            N_("MONSE with BPD"), N_("MONSE (GVRS)"), MONSE, PERCENT),
    Measure("gvrs_services", "1.1", N_("GVRS participants who accept services"),
            N_("MONSE"), N_("MONSE (GVRS)"), MONSE, COUNT, direction="up"),
    Measure(YOUTH_ARRESTS, "1.2", N_("Arrests of young people under 18"),
            N_("BPD with the Department of Juvenile Services"), N_("the Police Department (BPD): arrest data"),
            COMPUTED, COUNT, geo=True),
    Measure("youth_diverted", "1.2", N_("Young people diverted from arrest or prosecution"),
            N_("MONSE with the State's Attorney's Office and the Department of Juvenile Services"),
            N_("MONSE"), MONSE, COUNT, direction="up"),
    Measure(DV_SHARE, "1.3", N_("Domestic-violence incidents as a share of Part 1 crime"),
            N_("BPD with MONSE (IPV Stat)"), N_("the Police Department (BPD): intimate-partner-violence data"),
            COMPUTED, PERCENT, geo=True),
    Measure(RAPE_RATE, "1.3", N_("Rapes per 100,000 residents"),
            N_("BPD with MONSE"), N_("the Police Department (BPD): Part 1 crime data"),
            COMPUTED, RATE, geo=True),
    Measure("survivors_served", "1.3", N_("Survivors of violence served by victim-services providers"),
            N_("MONSE"), N_("MONSE (victim services)"), MONSE, COUNT, direction="up"),
    Measure("cvi_mediations", "2.1", N_("Conflicts mediated by violence interrupters (Safe Streets)"),
            N_("MONSE with Safe Streets sites"), N_("MONSE (Safe Streets)"), MONSE, COUNT, direction="up"),
    Measure("cvi_grants", "2.1", N_("Grants awarded to community organizations for violence prevention"),
            N_("MONSE"), N_("MONSE (grants)"), MONSE, DOLLARS, direction="up"),
    Measure(CALLS_WITHOUT_POLICE, "2.2", N_("911 calls for service answered without police"),
            N_("BPD, the 911 center and the Health Department (behavioral-health diversion)"),
            N_("the Police Department (BPD): 911 calls for service"), COMPUTED, PERCENT, direction="up", geo=True),
    Measure("perceived_safety", "3.1", N_("Residents who feel safe in their neighborhood (survey)"),
            N_("MONSE"), N_("MONSE (resident survey)"), MONSE, PERCENT, direction="up"),
    Measure("trust", "3.1", N_("Residents who trust the police and city agencies (survey)"),
            N_("MONSE with BPD"), N_("MONSE (resident survey)"), MONSE, PERCENT, direction="up"),
)

MEASURE_BY_CODE = {m.code: m for m in MEASURES}
RESULT_BY_CODE = {r.code: r for r in RESULTS}
PILLAR_BY_CODE = {p.code: p for p in PILLARS}
MONSE_CODES = tuple(m.code for m in MEASURES if m.method == MONSE)
COMPUTED_CODES = tuple(m.code for m in MEASURES if m.method == COMPUTED)


def results_of(pillar: str) -> tuple[Result, ...]:
    return tuple(r for r in RESULTS if r.pillar == pillar)


def measures_of(result: str) -> tuple[Measure, ...]:
    return tuple(m for m in MEASURES if m.result == result)


__all__ = ["Pillar", "Result", "Measure", "PILLARS", "RESULTS", "MEASURES", "MEASURE_BY_CODE", "RESULT_BY_CODE",
           "PILLAR_BY_CODE", "MONSE_CODES", "COMPUTED_CODES", "COMPUTED", "MONSE", "PARAPHRASED", "QUOTED",
           "COUNT", "PERCENT", "RATE", "DOLLARS", "results_of", "measures_of"]
