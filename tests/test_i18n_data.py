"""Spanish below the pages: every vocabulary label and data-layer message has a translation, the
URL notices and the API's errors come in the request's language, the CSV header too, and ``lang``
is a parameter every URL (pages and API) accepts without a notice."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from app import i18n
from app.i18n import _
from app.i18n_catalog import extract, translations
from app.pageparams import parse_cvi, parse_map, parse_present
from app.urlstate import BadParameter, Choices, parse, quick_ranges
from data_access import arrests as A
from data_access import cases as C
from data_access import db as DB
from data_access import map_queries as MQ
from data_access import suppression as S
from data_access import vocabulary as V

CHOICES = Choices(
    values={
        "police_district": ["Central", "Northern", "Western"],
        "neighborhood": ["Oak Hill", "Harbor Point"],
        "council_district": [str(i) for i in range(1, 15)],
        "legislative_district": ["40", "43A"],
        "offense": ["homicide", "shooting"],
    },
    data_as_of=date(2026, 11, 14),
    first_date=date(2012, 1, 1),
)
# Labels that read the same in Spanish (numbers, a symbol, Latin legal terms kept as they are).
SAME_IN_SPANISH = {"<5", "Nolle prosequi", "Stet"}


def _data_error_messages() -> list[str]:
    seen, todo = [], [DB.DataError]
    while todo:
        cls = todo.pop()
        seen.append(cls.user_message)
        todo += cls.__subclasses__()
    return seen


def vocabulary_labels() -> list[str]:
    """Every label of the data layer a reader sees."""
    labels = [label for v in V.VOCABULARIES for _code, label in v]
    labels += [c for cats in V.DEMOGRAPHIC_CATEGORIES.values() for c in cats]
    labels += [*V.POPULATION_RACES, *V.POPULATION_ETHNICITIES]
    labels += list(MQ.MAP_LAYERS.values())
    labels += [*V.SENTENCE_PHRASES.values(), *V.SENTENCE_TEMPLATES.values()]
    labels += [S.SMALL_LABEL, S.WITHHELD_LABEL, A.NO_CHARGE_TEXT, "Pending", "Decided"]
    labels += _data_error_messages()
    return [label for label in dict.fromkeys(labels) if any(ch.isalpha() for ch in label) or label == "<5"]


# --- the catalog ------------------------------------------------------------------------------------

def test_every_vocabulary_label_is_marked_and_has_spanish():
    marked = {m.msgid for m in extract(["data_access/vocabulary.py", "data_access/map_queries.py",
                                        "data_access/suppression.py", "data_access/arrests.py",
                                        "data_access/cases.py", "data_access/db.py"])}
    found, conflicts = translations("es")
    assert not conflicts
    labels = vocabulary_labels()
    assert len(labels) > 90
    assert [label for label in labels if label not in marked] == [], "labels not marked with N_"
    assert [label for label in labels if not found.get(label)] == [], "labels without Spanish"
    with i18n.use("es"):
        same = [label for label in labels if _(label) == label and label not in SAME_IN_SPANISH]
    assert same == [], "labels whose Spanish is the English"


def test_plural_units_have_spanish():
    found, _conflicts = translations("es")
    for singular, plural in V.SENTENCE_UNITS.values():
        assert all(found.get(singular, ())), singular
    with i18n.use("es"):
        assert i18n.ngettext(*V.SENTENCE_UNITS["year"], 1).format(n=1) == "1 año"
        assert i18n.ngettext(*V.SENTENCE_UNITS["year"], 5).format(n=5) == "5 años"


def test_vocabulary_values_stay_english_at_the_data_layer():
    """The data layer is cached across languages: it returns the English labels whatever the
    language; pages translate them where shown."""
    with i18n.use("es"):
        assert V.offense_label("homicide") == "Homicide"
        assert V.DISPOSITIONS.label("guilty") == "Guilty"
        assert V.SEXES[0] == "Male"


# --- sentences --------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "5 yrs, 3 susp, 2 yrs probation", "PBJ", "ALL SUSP", "100 HRS COMMUNITY SERVICE, FINE $1,500",
    "1 year", "LIFE WITHOUT PAROLE", "restitution $300", "time served", "7 susp", "home detention, probation, fine",
    "1 month probation", "1 hr community service", "JOHN DOE 30 DAYS"])
def test_sentence_text_in_english_is_the_stored_text(raw):
    reduced = V.reduce_sentence(raw)
    assert reduced and V.sentence_text(reduced) == reduced


def test_sentence_text_in_spanish():
    with i18n.use("es"):
        def es(raw):
            return V.sentence_text(V.reduce_sentence(raw), _, i18n.ngettext, i18n.number)

        assert es("5 yrs, 3 susp, 2 yrs probation") == "5 años, 3 de pena suspendida, 2 años de libertad a prueba"
        assert es("100 HRS COMMUNITY SERVICE, FINE $1,500") == "100 horas de servicio comunitario, Multa de $1.500"
        assert es("1 year, all susp") == "1 año, toda la pena suspendida"
        assert es("life without parole") == "Cadena perpetua sin libertad bajo palabra"
        assert es("PBJ, time served") == "Libertad a prueba antes del fallo, Tiempo ya cumplido"
    assert V.sentence_text(None) == "" and V.sentence_text("something older") == "something older"


# --- messages ---------------------------------------------------------------------------------------

def test_data_errors_in_spanish():
    with i18n.use("es"):
        assert i18n.error_text(DB.QueryTimeout("detail")) == (
            "Esta vista tardó demasiado en calcularse. Pruebe con un período más corto o con menos áreas.")
        assert "base de datos" in i18n.error_text(DB.DataUnavailable("x"))
        with pytest.raises(C.BadCaseQuery) as err:
            C.normalize_case_number("no!")
        assert i18n.error_text(err.value) == (
            "“no!” no es un número de caso (de 4 a 20 letras y dígitos, p. ej., 826000123).")
    assert str(err.value) == "“no!” is not a case number (4–20 letters and digits, e.g. 826000123)."
    assert i18n.error_text(err.value) == str(err.value)


def test_suppressed_cell_text_in_the_readers_language():
    shown, small, withheld = S.Cell("Male", 1234, "1,234", None), S.Cell("Female", None, "<5", "small"), \
        S.Cell("Unknown", None, "withheld", "complement")
    assert [c.text() for c in (shown, small, withheld)] == ["1,234", "<5", "withheld"]
    with i18n.use("es"):
        assert [c.text(i18n.number, _) for c in (shown, small, withheld)] == ["1.234", "<5", "omitido"]


# --- URL notices ------------------------------------------------------------------------------------

def test_url_notices_in_spanish():
    with i18n.use("es"):
        _f, notices = parse("?police_district=Atlantis&color=blue&start=2025-13-01", CHOICES)
        assert notices == ["Se ignoró el parámetro desconocido “color”.",
                           "Se ignoró start=“2025-13-01”: no es una fecha (use AAAA-MM-DD).",
                           "Se ignoró police_district=“Atlantis”: no es un valor conocido (distrito policial)."]
        _f, notices = parse("?start=2025-05-01&end=2025-01-01", CHOICES)
        assert notices == ["La fecha de inicio (1 may 2025) es posterior a la fecha de fin (1 ene 2025); "
                           "se muestra el período predeterminado."]
        with pytest.raises(BadParameter) as err:
            parse("?offense=jaywalking", CHOICES, strict=True)
        assert err.value.message == "Se ignoró offense=“jaywalking”: no es un valor conocido (categoría de delito)."
        labels = {v: label for v, label, _s, _e in quick_ranges(CHOICES)}
        assert labels["ytd"] == "En lo que va del año (2026)" and labels["last28"] == "Últimos 28 días"
        assert labels["last365"] == "Últimos 365 días" and labels["all"] == "Todos los años (2012–2026)"
        assert parse_map("?layer=moon&points=maybe")[1] == [
            "Se ignoró layer=“moon”: use uno de estos valores: " + ", ".join(MQ.MAP_LAYERS) + ".",
            "Se ignoró points=“maybe”: use on u off."]
        assert parse_cvi("?program=circus", ["safe_streets"])[1] == [
            "Se ignoró program=“circus”: no existe ese tipo de programa."]
        assert parse_present("?theme=pink&compare=council_district:99", CHOICES)[1] == [
            "Se ignoró theme=“pink”: use light o dark.",
            "Se ignoró compare=“council_district:99”: no es un valor conocido (Distrito del Concejo Municipal)."]


def test_url_notices_in_english_are_unchanged():
    _f, notices = parse("?police_district=Atlantis&color=blue", CHOICES)
    assert notices == ["Ignored the unknown parameter “color”.",
                       "Ignored police_district=“Atlantis”: there is no such police district."]
    assert {v: label for v, label, _s, _e in quick_ranges(CHOICES)}["ytd"] == "Year to date (2026)"


@pytest.mark.parametrize("query", ["?lang=es", "?lang=en", "?lang=ES", "?lang=es-MX", "?lang=qps", "?lang=",
                                   "?lang=es&police_district=central"])
def test_lang_is_accepted_by_parse_without_a_notice(query):
    f, notices = parse(query, CHOICES)
    assert notices == []
    f2, _n = parse(query, CHOICES, strict=True)
    assert f == f2


def test_an_unknown_lang_gets_a_notice():
    _f, notices = parse("?lang=fr", CHOICES)
    assert notices == ["Ignored lang=“fr”: use one of en, es."]


# --- the API ----------------------------------------------------------------------------------------

SPANISH_400 = "by=“decade” no es uno de estos valores: "


def test_api_accepts_lang(client):
    english = client.get("/api/v1/counts?start=2025-01-01&end=2025-12-31")
    spanish = client.get("/api/v1/counts?start=2025-01-01&end=2025-12-31&lang=es")
    assert english.status_code == spanish.status_code == 200
    # JSON is a machine interface: keys, codes and numbers are the same in every language.
    assert english.get_json() == spanish.get_json()
    assert client.get("/api/v1/demographics?lang=en").status_code == 200
    assert client.get("/api/v1/cases?lang=es").status_code == 200
    assert client.get("/api/v1/arrests/clearance?lang=es").status_code == 200


def test_api_400_in_spanish_with_lang(client):
    r = client.get("/api/v1/counts?by=decade&lang=es")
    assert r.status_code == 400
    assert r.get_json()["parameter"] == "by" and r.get_json()["error"].startswith(SPANISH_400)


def test_api_400_in_spanish_with_accept_language(client):
    r = client.get("/api/v1/counts?police_district=Atlantis", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert r.status_code == 400
    assert r.get_json() == {"parameter": "police_district", "value": "Atlantis",
                            "error": "police_district=“Atlantis”: no es un valor conocido (distrito policial)."}
    r = client.get("/api/v1/counts?by=decade", headers={"Accept-Language": "es"})
    assert r.get_json()["error"].startswith(SPANISH_400)
    # an unknown lang= is a 400 too, in the browser's language
    r = client.get("/api/v1/counts?lang=fr", headers={"Accept-Language": "es"})
    assert r.status_code == 400 and r.get_json() == {
        "parameter": "lang", "value": "fr", "error": "lang=“fr” no es uno de estos valores: en, es."}
    # lang= wins over the browser's language
    r = client.get("/api/v1/counts?by=decade&lang=en", headers={"Accept-Language": "es"})
    assert r.get_json()["error"].startswith("by=“decade” is not one of: ")


@pytest.mark.parametrize("url, spanish", [
    ("/api/v1/cases?page=0&lang=es", "page=0 está fuera de rango: las páginas van de 1 a 400."),
    ("/api/v1/cases?case=%21%21&lang=es", "“!!” no es un número de caso"),
    ("/api/v1/cases/ZZZZ9999?lang=es", "No hay ningún caso con el número “ZZZZ9999”."),
    ("/api/v1/nothing?lang=es", "La API no tiene la dirección /api/v1/nothing."),
    ("/api/v1/arrests/clearance?offense=homicide&lang=es", "Los filtros de offense no se aplican aquí"),
    ("/api/v1/counts?dataset=cases&offense=homicide&lang=es", "Los filtros de offense solo se aplican a dataset=victims"),
    ("/api/v1/counts?by=year&by=month&lang=es", "“by” solo puede indicarse una vez."),
    ("/api/v1/cases?page=two&lang=es", "page=“two” no es un número de página."),
])
def test_api_errors_in_spanish(client, url, spanish):
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert spanish in r.get_json()["error"]


def test_api_503_in_spanish():
    from app import create_app

    app = create_app({"database_url": "postgresql://nobody@127.0.0.1:1/none"}, cache_type="null")
    client = app.server.test_client()
    r = client.get("/api/v1/counts", headers={"Accept-Language": "es"})
    assert r.status_code == 503 and "No se puede acceder a la base de datos" in r.get_json()["error"]
    r = client.get("/api/v1/health?lang=es")
    assert r.status_code == 503 and "No se puede acceder a la base de datos" in r.get_json()["error"]


def _csv(client, url, **kw):
    r = client.get(url, **kw)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return r, list(csv.reader(io.StringIO(r.get_data(as_text=True))))


def test_csv_header_in_the_requests_language(client):
    q = "/api/v1/demographics?start=2025-01-01&end=2025-12-31&format=csv"
    en, rows_en = _csv(client, q)
    es, rows_es = _csv(client, q + "&lang=es")
    es2, rows_es2 = _csv(client, q, headers={"Accept-Language": "es"})
    assert rows_en[0] == ["dimension", "category", "count", "label", "withheld"]
    assert rows_es[0] == rows_es2[0] == ["dimensión", "categoría", "número", "etiqueta", "motivo de omisión"]
    # the same columns in the same order, and the same values: only the header is translated
    assert rows_en[1:] == rows_es[1:] == rows_es2[1:] and len(rows_en) > 5
    # a cache keeps each language apart: the ETag names it, and without lang= the answer varies
    # with Accept-Language
    assert en.headers["ETag"] != es.headers["ETag"] == es2.headers["ETag"]
    assert "Accept-Language" in en.headers.get("Vary", "") and "Accept-Language" in es2.headers.get("Vary", "")
    assert "Accept-Language" not in es.headers.get("Vary", "")
    assert client.get(q, headers={"If-None-Match": es.headers["ETag"]}).status_code == 200
    assert client.get(q + "&lang=es", headers={"If-None-Match": es.headers["ETag"]}).status_code == 304


def test_json_answers_do_not_vary_by_language(client):
    en = client.get("/api/v1/demographics?start=2025-01-01&end=2025-12-31")
    es = client.get("/api/v1/demographics?start=2025-01-01&end=2025-12-31", headers={"Accept-Language": "es"})
    assert en.get_json() == es.get_json() and en.headers["ETag"] == es.headers["ETag"]
    assert "Accept-Language" not in en.headers.get("Vary", "")
