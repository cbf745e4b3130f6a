"""Fuzzers of the server's two public inputs (issue 13), shared by ``tests/test_fuzz.py`` (a short
run in ``make test``) and ``bench/fuzz.py`` (a long one):

* every ``/api/v1`` endpoint, from its declaration (``app.api.endpoints()``): valid, boundary and
  hostile values for its own and the filter parameters (unicode, other scripts' digits, huge
  numbers, NULs, very long strings, repeated and unknown parameters), and hostile path segments;
* every server-side Dash callback, from ``/_dash-dependencies`` (so it follows the callbacks as
  they change): payloads of the right shape whose values are of the wrong type (lists where
  strings belong, nested objects, huge strings and numbers), with keys missing or added, plus
  malformed bodies.

``Fuzz.check`` sends one case and records its status; ``Fuzz.problems`` lists every answer that
breaks the rules: a 5xx, a traceback in the body or the log, or an API error not of the one shape
(``{"error", "parameter", "value"}``).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

# --- values ----------------------------------------------------------------------------------------

OTHER_DIGITS = ["²", "٣", "३", "๓", "１２", "Ⅻ", "½", "𝟗", "߃"]
HOSTILE_TEXT = ["", " ", "\x00", "a\x00b", "%00", "'; DROP TABLE victim; --", "<script>alert(1)</script>",
                "../../etc/passwd", "\u202e", "\ufeff", "🙂", "ñandú", "NULL", "None", "null", "true", "[]",
                "{}", "-1", "0", "1e309", "NaN", "Infinity", "9" * 5000, "1" * 4301, "x" * 20_000,
                "2025-02-30", "2025-13-01", "0000-00-00", "9999-12-31", "2025-1-1", "\t\n", "ＡＢＣ"]
BIG_NUMBERS = [2**63, -(2**63), 10**400, 0, -1, 1.5, 1e308, -0.0]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT + OTHER_DIGITS),
        st.text(max_size=60),  # any unicode, NULs and surrogates excluded by JSON/URL encoding below
        st.lists(st.sampled_from(OTHER_DIGITS + list("0123456789")), min_size=1, max_size=12).map("".join),
        st.integers(min_value=0, max_value=50_000).map(lambda n: "z" * n),
        st.integers().map(str),
    )


def json_values(leaf_text: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Any JSON value, hostile leaves included: wrong types for any property."""
    leaves = st.one_of(st.none(), st.booleans(), st.sampled_from(BIG_NUMBERS), st.integers(),
                       st.floats(allow_nan=False, allow_infinity=False), leaf_text or hostile_text())
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=12)


# --- the API ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ApiCase:
    endpoint: str  # the declared path, e.g. /cases/<number>
    url: str


def api_cases(endpoints, choices: dict[str, list[str]]) -> st.SearchStrategy[ApiCase]:
    """Requests to the declared endpoints; ``choices`` are the filter parameters' valid values."""
    from app.urlstate import FILTER_PARAMS

    filter_names = list(FILTER_PARAMS) + ["lang"]

    @st.composite
    def case(draw) -> ApiCase:
        spec = draw(st.sampled_from(list(endpoints)))
        names = list(spec.names) + (filter_names if spec.filters else ["lang"])
        pairs: list[tuple[str, str]] = []
        for _ in range(draw(st.integers(min_value=0, max_value=6))):
            name = draw(st.one_of(st.sampled_from(names), st.sampled_from(["frob", "Start", "", "neighborhood[]"]),
                                  st.text(max_size=10)))
            pairs.append((name, draw(value_for(spec, name))))
        if draw(st.integers(0, 30)) == 0:  # a list as long as (or longer than) every value there is
            name = draw(st.sampled_from(sorted(choices)))
            values = choices[name] * draw(st.integers(1, 3))
            pairs += [(name, v) for v in values[:draw(st.integers(0, len(values) + 1))]]
        path = spec.url
        if "<number>" in path:
            number = draw(st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(HOSTILE_TEXT[1:] + OTHER_DIGITS),
                                    st.from_regex(r"[0-9A-Z]{4,20}", fullmatch=True)))
            path = path.replace("<number>", quote(number.encode("utf-8", "surrogatepass"), safe="") or "x")
        query = urlencode([(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
                           for k, v in pairs])
        return ApiCase(spec.path, path + ("?" + query if query else ""))

    def value_for(spec, name: str) -> st.SearchStrategy[str]:
        param = next((p for p in spec.params if p.name == name), None)
        valid: list[str] = []
        if param is not None:
            valid = list(param.allowed or ()) + ([param.default] if param.default else [])
            if param.kind == "page number":
                valid += ["1", "2", "400", "401", "0", "999999", "1000000"]
        elif name in choices:
            valid = choices[name][:50]
        elif name in ("start", "end"):
            valid = ["2024-01-01", "2025-06-30", "2026-10-31", "2000-01-01", "2099-12-31", "1999-12-31", "2100-01-01"]
        elif name == "lang":
            valid = ["en", "es", "ES", "es-MX", "qps", "xx"]
        return st.one_of(st.sampled_from(valid), hostile_text()) if valid else hostile_text()

    return case()


# --- Dash callbacks --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallbackCase:
    output: str  # the callback (its output id), or "malformed"
    body: bytes
    content_type: str = "application/json"


def _concrete(raw_id: str, draw) -> list:
    """The ids a dependency's id stands for: itself, or for a pattern (``{"index": ["ALL"], …}``)
    zero to two concrete ids (ALL) or one (MATCH)."""
    if not raw_id.startswith("{"):
        return [raw_id]
    pattern = json.loads(raw_id)
    wild = [k for k, v in pattern.items() if isinstance(v, list)]
    n = draw(st.integers(0, 2)) if any(pattern[k] == ["ALL"] for k in wild) else 1
    out = []
    for _ in range(n):
        out.append({k: (draw(st.one_of(st.integers(0, 5), st.sampled_from(["a", "homicide", "Western"])))
                        if k in wild else v) for k, v in pattern.items()})
    return out


def _entries(deps: list[dict], draw, value: st.SearchStrategy) -> list:
    out = []
    for dep in deps:
        ids = _concrete(dep["id"], draw)
        entries = [{"id": i, "property": dep["property"], "value": draw(value)} for i in ids]
        out.append(entries if dep["id"].startswith("{") else entries[0])
    return out


def _outputs(output: str) -> list[dict] | dict:
    def one(part: str) -> dict:
        id_, prop = part.rsplit(".", 1)
        return {"id": json.loads(id_) if id_.startswith("{") else id_, "property": prop}

    if output.startswith(".."):
        return [one(p) for p in output[2:-2].split("...")]
    return one(output)


SEARCHES = ["", "?", "?neighborhood=" + "&neighborhood=".join(["Alder Ridge"] * 400), "?start=2025-02-30",
            "?council_district=7%00", "?page=²", "?slide=" + "9" * 5000, "?lang=es&offense=homicide",
            "?" + "x" * 30_000, "?start=2025-06-01&end=2025-01-01", "?layer=%F0%9F%99%82"]


def callback_cases(dependencies: list[dict], choices: dict[str, list[str]]) -> st.SearchStrategy[CallbackCase]:
    """Requests to every server-side callback in ``dependencies`` (``/_dash-dependencies``)."""
    server_side = [d for d in dependencies if not d.get("clientside_function")]
    codes = [v for vs in choices.values() for v in vs]
    plausible = st.one_of(
        st.sampled_from(SEARCHES),
        st.lists(st.sampled_from(codes or ["x"]), max_size=8),
        st.lists(st.sampled_from(codes or ["x"]), min_size=300, max_size=2000),  # longer than every value there is
        st.sampled_from(["/", "/map", "/cases", "/present", "/nowhere", None, 0, 1, 10**30]),
        st.fixed_dictionaries({"points": st.lists(st.fixed_dictionaries(
            {"customdata": json_values(), "location": json_values(), "label": json_values(), "x": json_values()}),
            max_size=2)}),
    )
    value = st.one_of(plausible, json_values())

    @st.composite
    def case(draw) -> CallbackCase:
        if not server_side or draw(st.integers(0, 12)) == 0:
            return draw(malformed(server_side))
        cb = draw(st.sampled_from(server_side))
        inputs = _entries(cb["inputs"], draw, value)
        state = _entries(cb["state"], draw, value)
        changed = [f"{i['id'] if isinstance(i['id'], str) else json.dumps(i['id'])}.{i['property']}"
                   for i in (x[0] if isinstance(x, list) and x else x for x in inputs) if isinstance(i, dict)]
        body: dict = {"output": cb["output"], "outputs": _outputs(cb["output"]), "inputs": inputs,
                      "changedPropIds": draw(st.one_of(st.just(changed[:1]), st.just(changed),
                                                       st.lists(st.text(max_size=20), max_size=2))),
                      "state": state, "lang": draw(st.sampled_from(["en", "es", "qps", "xx", None]))}
        mutation = draw(st.integers(0, 9))
        if mutation == 1 and inputs:  # an input without its value, or with extra keys
            entry = inputs[draw(st.integers(0, len(inputs) - 1))]
            for e in (entry if isinstance(entry, list) else [entry]):
                e.pop("value", None)
                e[draw(st.text(max_size=8))] = draw(json_values())
        elif mutation == 2:  # inputs cut short or padded
            body["inputs"] = inputs[:draw(st.integers(0, len(inputs)))] + draw(st.lists(
                st.fixed_dictionaries({"id": st.text(max_size=10), "property": st.text(max_size=10),
                                       "value": json_values()}), max_size=2))
        elif mutation == 3:
            body[draw(st.sampled_from(["outputs", "changedPropIds", "state", "lang"]))] = draw(json_values())
        elif mutation == 4:
            body[draw(st.text(max_size=10))] = draw(json_values())
        return CallbackCase(cb["output"], json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))

    return case()


def malformed(server_side: list[dict]) -> st.SearchStrategy[CallbackCase]:
    outputs = [d["output"] for d in server_side] or ["x.children"]
    bodies = st.one_of(
        st.sampled_from([b"", b"not json", b"[1, 2]", b"null", b"{", b'{"output": null}', b"\x00\x01",
                         b'{"output": "nope.children", "inputs": []}',
                         b'{"output": "..a.b...c.d..", "outputs": [], "inputs": [], "state": []}',
                         b'{"output": "x", "inputs": [{"id": {"a": [1]}, "property": "p"}]}']),
        st.builds(lambda o, v: json.dumps({"output": o, "inputs": v}).encode(), st.sampled_from(outputs), json_values()),
        st.builds(lambda o, v: json.dumps({"output": o, "inputs": [], "state": v}).encode(),
                  st.sampled_from(outputs), json_values()),
        st.builds(lambda v: json.dumps(v).encode(), json_values()),
        st.binary(max_size=200),
    )
    return st.builds(lambda b, ct: CallbackCase("malformed", b, ct), bodies,
                     st.sampled_from(["application/json", "application/json", "text/plain", "application/x-www-form-urlencoded"]))


# --- running them -----------------------------------------------------------------------------------

class LogWatch(logging.Handler):
    """Every log record with a traceback (or at ERROR or above) while the fuzzer runs."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.bad: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR or "Traceback" in record.getMessage():
            self.bad.append(record)

    def __enter__(self):
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)


@dataclass
class Fuzz:
    client: object  # a Flask test client of the real app
    statuses: Counter = field(default_factory=Counter)
    by_target: Counter = field(default_factory=Counter)  # (target, status)
    problems: list[str] = field(default_factory=list)

    def check(self, kind: str, target: str, send) -> None:
        r = send()
        self.statuses[(kind, r.status_code)] += 1
        self.by_target[(kind, target, r.status_code)] += 1
        text = r.get_data(as_text=True)
        what = f"{kind} {target}: {r.status_code}"
        if r.status_code >= 500 and r.status_code != 503:
            self.problems.append(f"{what} {text[:300]}")
        elif "Traceback" in text or 'File "' in text:
            self.problems.append(f"{what} traceback in the body")
        elif kind == "api" and r.status_code >= 400:
            body = r.get_json(silent=True)
            if not (isinstance(body, dict) and set(body) == {"error", "parameter", "value"}
                    and (body["value"] is None or len(body["value"]) <= 40)):
                self.problems.append(f"{what} not the API's error shape: {text[:200]}")
            elif any(w in body["error"] for w in ("used the first", "showing the default", "Ignored")):
                self.problems.append(f"{what} page wording: {body['error']}")

    def api(self, case: ApiCase) -> None:
        self.check("api", case.endpoint, lambda: self.client.get(case.url))

    def callback(self, case: CallbackCase) -> None:
        self.check("callback", case.output.split("@")[0][:60], lambda: self.client.post(
            "/_dash-update-component", data=case.body, content_type=case.content_type))


def choices_of(app) -> dict[str, list[str]]:
    """The filter parameters' valid values in the app's database."""
    from app.context import load_choices, services

    with app.server.test_request_context():
        choices, _options, _state = load_choices(services().db)
    return {k: list(v) for k, v in choices.values.items()}


def dependencies_of(client) -> list[dict]:
    client.get("/")
    return client.get("/_dash-dependencies").get_json()
