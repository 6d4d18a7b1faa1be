"""Metamorphic perturbations of a benchdata set, for robustness.py.

A perturbation takes the tables of a set (``{"records": ...}`` for dedup, ``{"left": ...,
"right": ...}`` for link; every column a string, ``""`` missing) and returns new tables that
say the same thing in another shape: other column names, names or dates split or joined,
values upper-cased, columns added that carry no evidence, or columns in another order.
``record_id`` is never touched, so the truth file stays valid as it is.

Which columns hold names or dates is decided here from headers and values by generic rules
(below), never from a set's name.  A perturbation that finds nothing to act on returns
None and is reported as not applicable.  Every choice is drawn from the ``random.Random``
that the caller seeds, so a run is reproducible.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

Tables = dict[str, pd.DataFrame]
ID = "record_id"


# ---------------------------------------------------------------------------- reading

def read_set(directory: Path) -> tuple[str, Tables]:
    """The task (``dedup`` or ``link``) and the tables of a benchdata folder."""
    names = ("left", "right") if (directory / "left.csv").is_file() else ("records",)
    tables = {n: pd.read_csv(directory / f"{n}.csv", dtype=str, keep_default_na=False)
              for n in names}
    return ("link" if len(names) == 2 else "dedup"), tables


def write_set(directory: Path, tables: Tables, truth: Path) -> None:
    """Write the tables and a verbatim copy of the truth file into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(directory / f"{name}.csv", index=False)
    (directory / "truth.csv").write_bytes(truth.read_bytes())


def attributes(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c != ID]


def _all_attributes(tables: Tables) -> list[str]:
    """Attribute columns of all tables, in order of first appearance."""
    return list(dict.fromkeys(c for t in tables.values() for c in attributes(t)))


def tokens(column: str) -> list[str]:
    """``date_of_birth`` / ``dateOfBirth`` / ``address_1`` -> words in lower case."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", column)
    text = re.sub(r"([A-Za-z])(\d)", r"\1 \2", text)
    return [t for t in re.split(r"[^0-9A-Za-zÀ-ÿ]+", text.lower()) if t]


def _filled(table: pd.DataFrame, column: str, limit: int = 5000) -> pd.Series:
    values = table[column]
    return values[values.str.strip() != ""].head(limit)


# ---------------------------------------------------------------------------- detection

FIRST_HEADERS = {"firstname", "givenname", "forename", "fname", "first", "given", "forenames",
                 "givennames", "christianname"}
LAST_HEADERS = {"surname", "lastname", "familyname", "lname", "last", "family"}
FULL_HEADERS = {"name", "fullname", "personname", "customername", "contactname",
                "clientname", "displayname"}
_PERSON_TOKEN = re.compile(r"^[^\W\d_][^\W\d_.'’-]*(?:[.'’-][^\W\d_]*)*\.?$")


def _person_like(values: pd.Series, words: tuple[int, int]) -> bool:
    """Most values are ``words[0]``..``words[1]`` words of letters (no digits)."""
    if len(values) < 10:
        return False
    split = values.str.replace(",", " ", regex=False).str.split()
    count_ok = split.str.len().between(*words)
    letters_ok = split.map(lambda ws: all(_PERSON_TOKEN.match(w) for w in ws))
    return bool((count_ok & letters_ok).mean() >= 0.8)


def name_columns(table: pd.DataFrame) -> tuple[str | None, str | None, str | None]:
    """(first name, last name, full name) columns of a table of people, where present.

    A header names the role (``given_name``, ``lname``, ``full_name``, ``name``), and the
    values must look like personal names: a first or last name mostly one or two words of
    letters, a full name mostly two to four; so a ``name`` column of products or titles
    (digits, long) is no full name.
    """
    first = last = full = None
    for column in attributes(table):
        key = "".join(tokens(column))
        values = _filled(table, column)
        if key in FIRST_HEADERS and first is None and _person_like(values, (1, 2)):
            first = column
        elif key in LAST_HEADERS and last is None and _person_like(values, (1, 3)):
            last = column
        elif key in FULL_HEADERS and full is None and _person_like(values, (2, 4)):
            full = column
    return first, last, full


DATE_SHAPES = {
    "iso": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    "compact": re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    "dmy": re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"),
}


def date_columns(table: pd.DataFrame) -> dict[str, str]:
    """Columns of whole dates and their shape (``iso``, ``compact``, ``dmy``, ``mdy``).

    A column is a date column when at least 90 % of its filled values have one shape and
    at least 80 % of those have a month 1-12, a day 1-31 and a year 1000-2100.  Slash or
    dot dates are day first unless only the second part ever exceeds 12.
    """
    out = {}
    for column in attributes(table):
        values = _filled(table, column)
        if len(values) < 10:
            continue
        for shape, pattern in DATE_SHAPES.items():
            parts = values.str.extract(pattern).dropna().astype(int)
            if len(parts) < 0.9 * len(values):
                continue
            if shape == "dmy":
                day_first = (parts[0] > 12).any() or not (parts[1] > 12).any()
                shape = "dmy" if day_first else "mdy"
                parts = parts[[2, 1, 0]] if day_first else parts[[2, 0, 1]]
                parts.columns = [0, 1, 2]
            ok = (parts[0].between(1000, 2100) & parts[1].between(1, 12)
                  & parts[2].between(1, 31))
            if ok.mean() >= 0.8:
                out[column] = shape
                break
    return out


def date_parts(value: str, shape: str) -> tuple[str, str, str]:
    """(year, month, day) as written, without zero padding; empty when it does not parse."""
    match = DATE_SHAPES["dmy" if shape == "mdy" else shape].match(value.strip())
    if not match:
        return "", "", ""
    a, b, c = match.groups()
    year, month, day = {"iso": (a, b, c), "compact": (a, b, c), "dmy": (c, b, a),
                        "mdy": (c, a, b)}[shape]
    return str(int(year)), str(int(month)), str(int(day))


def _number_share(values: pd.Series, low: int, high: int, digits: int) -> float:
    numeric = values.str.fullmatch(rf"\d{{1,{digits}}}")
    return float((numeric & pd.to_numeric(values.where(numeric), errors="coerce")
                  .between(low, high)).mean()) if len(values) else 0.0


def part_triplets(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Adjacent (year, month, day) columns, in any order: a date split over three columns.

    Year: 4 digits, 1000-2100; month: 1-12; day: 1-31 with some day above 12 (so that a
    month column is not taken for a day); each in at least 95 % of filled values.
    """
    columns = attributes(table)
    kinds = {}
    for column in columns:
        values = _filled(table, column)
        if len(values) < 10:
            continue
        if _number_share(values, 1000, 2100, 4) >= 0.95 and values.str.len().eq(4).all():
            kinds[column] = "year"
        elif _number_share(values, 1, 12, 2) >= 0.95:
            kinds[column] = "month"
        elif _number_share(values, 1, 31, 2) >= 0.95:
            kinds[column] = "day"
    out = []
    for i in range(len(columns) - 2):
        window = columns[i:i + 3]
        roles = {kinds.get(c): c for c in window}
        if set(roles) == {"year", "month", "day"}:
            out.append((roles["year"], roles["month"], roles["day"]))
    return out


# ---------------------------------------------------------------------------- renaming

# Whole column names (as joined tokens) -> German, French, Spanish.
WHOLE = {
    "firstname": ("vorname", "prénom", "nombre"), "givenname": ("vorname", "prénom", "nombre"),
    "surname": ("nachname", "nom", "apellido"), "lastname": ("nachname", "nom", "apellido"),
    "fullname": ("vollständiger_name", "nom_complet", "nombre_completo"),
    "name": ("name", "nom", "nombre"),
    "dateofbirth": ("geburtsdatum", "date_de_naissance", "fecha_de_nacimiento"),
    "dob": ("geburtsdatum", "date_de_naissance", "fecha_nacimiento"),
    "birthdate": ("geburtsdatum", "date_de_naissance", "fecha_de_nacimiento"),
    "postcode": ("plz", "code_postal", "codigo_postal"),
    "zip": ("postleitzahl", "cp", "codigo_postal"),
    "address": ("adresse", "adresse", "direccion"),
    "address1": ("strasse", "adresse_1", "direccion_1"),
    "address2": ("adresszusatz", "complément_d_adresse", "direccion_2"),
    "streetnumber": ("hausnummer", "numéro_de_rue", "numero_calle"),
    "suburb": ("ortsteil", "quartier", "barrio"), "city": ("ort", "ville", "ciudad"),
    "state": ("bundesland", "région", "provincia"), "country": ("land", "pays", "país"),
    "email": ("e_mail", "courriel", "correo"), "emailaddress": ("e_mail", "courriel", "correo"),
    "phone": ("telefon", "téléphone", "telefono"), "mobile": ("handy", "portable", "movil"),
    "socsecid": ("sozialversicherungsnummer", "numéro_de_sécurité_sociale",
                 "numero_seguridad_social"),
    "source": ("quelle", "origine", "origen"), "system": ("quellsystem", "système", "sistema"),
    "title": ("titel", "titre", "titulo"), "authors": ("autoren", "auteurs", "autores"),
    "venue": ("tagung", "conférence", "congreso"), "year": ("jahr", "année", "año"),
    "description": ("beschreibung", "description", "descripcion"),
    "price": ("preis", "prix", "precio"), "manufacturer": ("hersteller", "fabricant",
                                                           "fabricante"),
    "artist": ("künstler", "artiste", "artista"), "category": ("kategorie", "catégorie",
                                                               "categoria"),
    "tracks": ("titelliste", "pistes", "pistas"),
    "coinventors": ("miterfinder", "co_inventeurs", "coinventores"),
    "lat": ("breitengrad", "latitude", "latitud"), "lng": ("längengrad", "longitude",
                                                          "longitud"),
    "comment": ("bemerkung", "commentaire", "comentario"),
    "status": ("status", "statut", "estado"),
}

# Single words -> German, French, Spanish; other words are kept.  In French and Spanish
# the words of a name are put in reverse order (``patent_date`` -> ``date_brevet``).
WORDS = {
    "first": ("vor", "premier", "primer"), "last": ("letzte", "dernier", "ultimo"),
    "name": ("name", "nom", "nombre"), "date": ("datum", "date", "fecha"),
    "birth": ("geburts", "naissance", "nacimiento"), "death": ("todes", "décès", "muerte"),
    "year": ("jahr", "année", "año"), "month": ("monat", "mois", "mes"),
    "day": ("tag", "jour", "dia"), "number": ("nummer", "numéro", "numero"),
    "id": ("id", "id", "id"), "code": ("code", "code", "codigo"),
    "street": ("strasse", "rue", "calle"), "address": ("adresse", "adresse", "direccion"),
    "city": ("ort", "ville", "ciudad"), "country": ("land", "pays", "pais"),
    "phone": ("telefon", "téléphone", "telefono"), "email": ("email", "courriel", "correo"),
    "title": ("titel", "titre", "titulo"), "episode": ("folge", "épisode", "episodio"),
    "episodes": ("folgen", "épisodes", "episodios"), "season": ("staffel", "saison",
                                                               "temporada"),
    "seasons": ("staffeln", "saisons", "temporadas"), "start": ("beginn", "début", "inicio"),
    "end": ("ende", "fin", "fin"), "release": ("erscheinungs", "sortie", "estreno"),
    "runtime": ("laufzeit", "durée", "duracion"), "minutes": ("minuten", "minutes",
                                                              "minutos"),
    "genre": ("genre", "genre", "genero"), "list": ("liste", "liste", "lista"),
    "primary": ("haupt", "principal", "principal"), "professions": ("berufe", "métiers",
                                                                    "profesiones"),
    "abstract": ("zusammenfassung", "résumé", "resumen"), "air": ("sende", "diffusion",
                                                                  "emision"),
    "origin": ("herkunfts", "origine", "origen"), "patent": ("patent", "brevet", "patente"),
    "filing": ("anmelde", "dépôt", "solicitud"), "assignee": ("inhaber", "titulaire",
                                                              "titular"),
    "organization": ("organisation", "organisation", "organizacion"),
    "subclasses": ("unterklassen", "sous_classes", "subclases"),
    "site": ("standort", "site", "sitio"), "program": ("programm", "programme", "programa"),
    "programs": ("programme", "programmes", "programas"), "agency": ("träger", "agence",
                                                                    "agencia"),
    "fund": ("förderung", "fonds", "fondo"), "funded": ("gefördert", "financé",
                                                        "financiado"),
    "center": ("zentrum", "centre", "centro"), "director": ("leiter", "directeur",
                                                            "director"),
    "executive": ("geschäftsführender", "exécutif", "ejecutivo"),
    "available": ("verfügbare", "disponibles", "disponibles"),
    "valid": ("gültig", "valide", "valido"), "until": ("bis", "jusqu", "hasta"),
    "provider": ("anbieter", "prestataire", "proveedor"), "length": ("länge", "durée",
                                                                    "duracion"),
    "neighborhood": ("viertel", "quartier", "barrio"), "enrollment": ("anmeldungen",
                                                                     "inscriptions",
                                                                     "matricula"),
    "option": ("option", "option", "opcion"), "type": ("art", "type", "tipo"),
    "service": ("dienst", "service", "servicio"), "website": ("webseite", "site_web",
                                                              "sitio_web"),
    "head": ("kopf", "tête", "cabeza"), "early": ("früh", "précoce", "temprano"),
    "per": ("pro", "par", "por"), "fax": ("fax", "télécopie", "fax"),
    "description": ("beschreibung", "description", "descripcion"),
    "zip": ("plz", "cp", "cp"), "state": ("bundesland", "région", "provincia"),
    "full": ("voll", "complet", "completo"), "given": ("vor", "donné", "dado"),
}
LANGUAGES = {"german": 0, "french": 1, "spanish": 2}
STOP_WORDS = {"of", "the", "and"}


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n + 1}")
    return out


def abbreviate(column: str) -> str:
    """``given_name`` -> ``gvn_nm``: each word's first letter and its consonants."""
    out = []
    for word in tokens(column):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and not word.isdigit():
            short = word[0] + re.sub(r"[aeiouäöüéèàáíóú]", "", word[1:])
            word = re.sub(r"(.)\1+", r"\1", short)
        out.append(word)
    return "_".join(out) or column


def translate(column: str, language: str) -> str:
    """A column name in German, French or Spanish, word by word where not known whole."""
    k = LANGUAGES[language]
    words = tokens(column)
    whole = WHOLE.get("".join(words))
    if whole:
        return whole[k]
    words = [WORDS.get(w, (w, w, w))[k] for w in words if w not in STOP_WORDS]
    if k == 0:
        return "".join(words) if len(words) <= 2 else "_".join(words)
    return "_".join(reversed(words))


def rename(tables: Tables, new_name: Callable[[str, int], str]) -> Tables:
    """Every attribute column renamed the same way in every table."""
    columns = _all_attributes(tables)
    mapping = dict(zip(columns, _unique([new_name(c, i) for i, c in enumerate(columns)]),
                       strict=True))
    return {n: t.rename(columns=mapping) for n, t in tables.items()}


# ---------------------------------------------------------------------------- perturbations

Result = tuple[Tables, str] | None


def _insert(table: pd.DataFrame, at: str, new: dict[str, pd.Series],
            drop: tuple[str, ...]) -> pd.DataFrame:
    """``new`` columns put where column ``at`` was, ``drop`` columns removed."""
    out = {}
    for column in table.columns:
        if column == at:
            out.update(new)
        if column not in drop:
            out[column] = table[column]
    return pd.DataFrame(out, index=table.index)


def _free(table: pd.DataFrame, name: str) -> str:
    while name in table.columns:
        name += "_"
    return name


def split_names(tables: Tables, r: random.Random) -> Result:
    done, out = [], {}
    for key, table in tables.items():
        first, last, full = name_columns(table)
        if full is None or (first and last):
            out[key] = table
            continue
        values = table[full].str.strip()
        comma = values.str.contains(",", regex=False)
        head = values.str.split(",", n=1).str[0].str.strip()
        tail = values.str.split(",", n=1).str[1].fillna("").str.strip()
        words = values.str.split()
        given = words.map(lambda w: " ".join(w[:-1]) if len(w) > 1 else "")
        family = words.map(lambda w: w[-1] if w else "")
        f, s = _free(table, "first_name"), _free(table, "last_name")
        out[key] = _insert(table, full, {f: given.where(~comma, tail),
                                         s: family.where(~comma, head)}, (full,))
        done.append(f"{key}.{full} -> {f}, {s}")
    return (out, "; ".join(done)) if done else None


def join_names(tables: Tables, r: random.Random) -> Result:
    done, out = [], {}
    for key, table in tables.items():
        first, last, _ = name_columns(table)
        if not (first and last):
            out[key] = table
            continue
        full = (table[first].str.strip() + " " + table[last].str.strip()).str.strip()
        name = _free(table.drop(columns=[first, last]), "full_name")
        out[key] = _insert(table, first, {name: full}, (first, last))
        done.append(f"{key}.{first} + {last} -> {name}")
    return (out, "; ".join(done)) if done else None


def _split_dates(tables: Tables) -> tuple[Tables, list[str], dict[str, list]]:
    done, out, parts = [], {}, {}
    for key, table in tables.items():
        shapes = date_columns(table)
        parts[key] = []
        for column, shape in shapes.items():
            split = table[column].map(lambda v, s=shape: date_parts(v, s))
            names = [_free(table, f"{column}_{p}") for p in ("year", "month", "day")]
            new = {n: split.str[i] for i, n in enumerate(names)}
            table = _insert(table, column, new, (column,))
            parts[key].append(tuple(names))
            done.append(f"{key}.{column} ({shape}) -> {', '.join(names)}")
        out[key] = table
    return out, done, parts


def split_dates(tables: Tables, r: random.Random) -> Result:
    out, done, _ = _split_dates(tables)
    return (out, "; ".join(done)) if done else None


def _join(table: pd.DataFrame, year: str, month: str, day: str, dotted: bool
          ) -> tuple[pd.DataFrame, str]:
    y, m, d = (table[c].str.strip() for c in (year, month, day))
    missing = (y == "") | (m == "") | (d == "")
    if dotted:  # 7.3.1985
        joined = d.str.lstrip("0") + "." + m.str.lstrip("0") + "." + y
    else:
        joined = y + "-" + m.str.zfill(2) + "-" + d.str.zfill(2)
    name = _free(table.drop(columns=[year, month, day]), year.removesuffix("_year") or "date")
    first = next(c for c in table.columns if c in (year, month, day))
    return _insert(table, first, {name: joined.where(~missing, "")}, (year, month, day)), name


def join_dates(tables: Tables, r: random.Random) -> Result:
    """Year, month and day columns joined into one ISO date; a set with whole dates instead
    has them split and joined back written day first, ``7.3.1985``."""
    done, out = [], {}
    for key, table in tables.items():
        for year, month, day in part_triplets(table):
            table, name = _join(table, year, month, day, dotted=False)
            done.append(f"{key}.{year}, {month}, {day} -> {name}")
        out[key] = table
    if done:
        return out, "; ".join(done)
    split, _, parts = _split_dates(tables)
    for key, table in split.items():
        for year, month, day in parts[key]:
            table, name = _join(table, year, month, day, dotted=True)
            done.append(f"{key}.{name} rewritten D.M.YYYY")
        out[key] = table
    return (out, "; ".join(done)) if done else None


#: Month names as German, French and Spanish exports write them, for ``month_names``.
_MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
_WRITTEN = {"de": "{d}. {m} {y}", "fr": "{d} {m} {y}", "es": "{d} de {m} de {y}"}


def _in_words(year: str, month: str, day: str, language: str) -> str:
    if not (year and month and day) or not 1 <= int(month) <= 12:
        return ""
    name = _MONTHS[language][int(month) - 1]
    return _WRITTEN[language].format(d=int(day), m=name, y=year)


def month_names(tables: Tables, r: random.Random) -> Result:
    """Whole dates (and dates split over year, month and day columns) written with the
    month's name in German, French or Spanish, a language per row at random."""
    done, out = [], {}
    for key, table in tables.items():
        table = table.copy()
        for column, shape in date_columns(table).items():
            parts = table[column].map(lambda v, s=shape: date_parts(v, s))
            table[column] = [_in_words(*p, r.choice(tuple(_MONTHS))) for p in parts]
            done.append(f"{key}.{column} ({shape}) in words")
        for year, month, day in part_triplets(table):
            words = [_in_words(y.strip(), m.strip(), d.strip(), r.choice(tuple(_MONTHS)))
                     for y, m, d in zip(table[year], table[month], table[day], strict=True)]
            name = _free(table.drop(columns=[year, month, day]),
                         year.removesuffix("_year") or "date")
            table = _insert(table, next(c for c in table.columns if c in (year, month, day)),
                            {name: pd.Series(words, index=table.index)}, (year, month, day))
            done.append(f"{key}.{year}, {month}, {day} -> {name} in words")
        out[key] = table
    return (out, "; ".join(done)) if done else None


def upper(tables: Tables, r: random.Random) -> Result:
    out = {k: t.assign(**{c: t[c].str.upper() for c in attributes(t)})
           for k, t in tables.items()}
    return out, "every value upper-cased"


def _double_encoded(text: str) -> str:
    """``text`` written as UTF-8 and read back as Windows-1252 (Latin-1 where a byte has
    no Windows-1252 character): ``Müller`` -> ``MÃ¼ller``."""
    data = text.encode("utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def mojibake(tables: Tables, r: random.Random) -> Result:
    out, changed = {}, 0
    for key, table in tables.items():
        # Half the rows, as if one of two systems had read the export wrongly.
        rows = pd.Series([r.random() < 0.5 for _ in range(len(table))], index=table.index)
        new = table.copy()
        for column in attributes(table):
            values = table[column]
            garbled = values.map(lambda v: _double_encoded(v)
                                 if isinstance(v, str) and not v.isascii() else v)
            garbled = garbled.where(rows, values)
            changed += int((garbled != values).sum())
            new[column] = garbled
        out[key] = new
    if not changed:
        return None
    return out, (f"{changed:,} values double-encoded (UTF-8 read as Windows-1252) in half "
                 "the rows")


_WHOLE_NUMBER = re.compile(r"^\d+$")


def float_numbers(tables: Tables, r: random.Random) -> Result:
    out, columns = {}, set()
    for key, table in tables.items():
        # Half the rows, as if one of two systems had kept its numbers in a float column
        # (an integer column with a gap, written out by pandas): 94105 -> "94105.0".
        rows = pd.Series([r.random() < 0.5 for _ in range(len(table))], index=table.index)
        new = table.copy()
        for column in attributes(table):
            values = table[column]
            filled = values[values.astype(bool)]
            if not len(filled) or filled.str.fullmatch(_WHOLE_NUMBER.pattern).mean() < 0.9:
                continue
            whole = values.str.fullmatch(_WHOLE_NUMBER.pattern).fillna(False)
            new[column] = values.where(~(whole & rows), values.str.lstrip("0").replace(
                "", "0") + ".0")
            columns.add(column)
        out[key] = new
    if not columns:
        return None
    return out, f"whole numbers written as floats in half the rows: {', '.join(sorted(columns))}"


def source_column(tables: Tables, r: random.Random) -> Result:
    out = {}
    for key, table in tables.items():
        name = _free(table, "system")
        values = [r.choice(("sys_a", "sys_b", "crm")) for _ in range(len(table))]
        out[key] = table.assign(**{name: values})
    return out, "column system: sys_a, sys_b or crm at random"


def placeholders(tables: Tables, r: random.Random) -> Result:
    out = {}
    for key, table in tables.items():
        n = len(table)
        lat = [f"{r.uniform(-60, 70):.4f}" if r.random() < 0.1 else "0.0" for _ in range(n)]
        lng = [f"{r.uniform(-180, 180):.4f}" if r.random() < 0.1 else "0.0" for _ in range(n)]
        out[key] = table.assign(**{_free(table, "lat"): lat, _free(table, "lng"): lng,
                                   _free(table, "comment"): "N/A",
                                   _free(table, "status"): "1"})
    return out, ("lat, lng: 0.0 in 90 % of rows, a random coordinate in 10 %; comment: N/A; "
                 "status: 1")


def shuffled(tables: Tables, r: random.Random) -> Result:
    out = {}
    for key, table in tables.items():
        columns = attributes(table)
        r.shuffle(columns)
        out[key] = table[[ID, *columns]]
    return out, "attribute columns in random order"


def identity(tables: Tables, r: random.Random) -> Result:
    return dict(tables), "read and written back unchanged"


def _renamer(kind: str) -> Callable[[Tables, random.Random], Result]:
    def apply(tables: Tables, r: random.Random) -> Result:
        if kind == "abbreviated":
            renamed = rename(tables, lambda c, i: abbreviate(c))
        elif kind == "opaque":
            renamed = rename(tables, lambda c, i: f"col_{i + 1}")
        else:
            renamed = rename(tables, lambda c, i: translate(c, kind))
        before = _all_attributes(tables)
        after = _all_attributes(renamed)
        return renamed, ", ".join(f"{a} -> {b}" for a, b in zip(before, after, strict=True))
    return apply


def combined(tables: Tables, r: random.Random) -> Result:
    """Everything that composes: names joined (or split), dates split, upper case, a source
    column, placeholder columns, abbreviated names, shuffled order."""
    steps = (("join_names", join_names), ("split_names", split_names),
             ("split_dates", split_dates), ("upper", upper), ("source_column", source_column),
             ("placeholders", placeholders), ("abbreviated", _renamer("abbreviated")),
             ("shuffled", shuffled))
    done: list[str] = []
    for name, step in steps:
        if name == "split_names" and "join_names" in done:
            continue  # the joined names are not split again
        result = step(tables, r)
        if result is not None:
            tables = result[0]
            done.append(name)
    return tables, " + ".join(done)


@dataclass(frozen=True)
class Perturbation:
    """A named change of shape, and what it means."""

    name: str
    meaning: str
    apply: Callable[[Tables, random.Random], Result]


PERTURBATIONS = {p.name: p for p in (
    Perturbation("identity", "read and written back unchanged (checks the harness)", identity),
    Perturbation("abbreviated", "column names abbreviated (given_name -> gvn_nm)",
                 _renamer("abbreviated")),
    Perturbation("german", "column names in German (vorname, nachname, geburtsdatum, plz)",
                 _renamer("german")),
    Perturbation("french", "column names in French (prénom, nom, date_de_naissance)",
                 _renamer("french")),
    Perturbation("spanish", "column names in Spanish (nombre, apellido, fecha_de_nacimiento)",
                 _renamer("spanish")),
    Perturbation("opaque", "column names opaque (col_1, col_2, ...)", _renamer("opaque")),
    Perturbation("split_names", "a full-name column split into first and last name",
                 split_names),
    Perturbation("join_names", "first and last name columns joined into one full name",
                 join_names),
    Perturbation("split_dates", "each date column split into year, month and day columns",
                 split_dates),
    Perturbation("join_dates", "year, month and day columns joined into one date; whole "
                 "dates split and joined back written D.M.YYYY", join_dates),
    Perturbation("month_names", "dates written with the month's name in German, French or "
                 "Spanish (12. März 1985, 12 mars 1985, 12 de marzo de 1985)", month_names),
    Perturbation("upper", "every value upper-cased", upper),
    Perturbation("float_numbers", "columns of whole numbers written as floats in half the "
                 "rows (94105 -> 94105.0, leading zeros lost)", float_numbers),
    Perturbation("mojibake", "values with letters beyond ASCII double-encoded in half the "
                 "rows (UTF-8 read as Windows-1252: Müller -> MÃ¼ller)", mojibake),
    Perturbation("source_column", "a source-system column added (sys_a, sys_b, crm at "
                 "random)", source_column),
    Perturbation("placeholders", "placeholder columns added (lat/lng 0.0 in 90 % of rows, "
                 "comment N/A, status 1)", placeholders),
    Perturbation("shuffled", "column order shuffled", shuffled),
    Perturbation("combined", "names joined or split, dates split, upper case, source and "
                 "placeholder columns, abbreviated names, shuffled order, all at once",
                 combined),
)}
