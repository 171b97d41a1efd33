"""One price base: every sum of money in a run is at the prices of one financial year.

A scenario names its price base (``prices.base``, a financial year such as 2024/25) and the index
that restates money from one year's prices to another's (``prices.index``): HM Treasury's GDP
deflator, which the Green Book uses for general inflation, or the NHS cost inflation index
(PSSRU). Every money default carries the price year of its source (``spec(...,
price_year=...)``); money written in a scenario is at the price base unless ``prices.written``
names its year, by key path or by section. :func:`factor` is the restatement, applied as each
value is drawn (``services.base.Context``), so every row and metric is at the price base.

    value at the base = value × index[base] ÷ index[price year]

The indices are bundled in stpmodel/data/price_indices.csv (tools/build_finance_reference.py;
sources in stpmodel/data/SOURCES.md).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel

from .sections import Section, spec
from .values import fail

DATA = Path(__file__).resolve().parent / "data"  # as stpmodel.reference, without polars
FY_RE = re.compile(r"^(\d{4})/(\d{2})$")
INDEXES = ("gdp_deflator", "nhs_cost_inflation")
LATEST = "2024/25"  # the price year of the latest bundled unit costs (NCC 2024/25, PSSRU 2024/25)


def _financial_year(value: str) -> str:
    m = FY_RE.match(value.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise fail(f"expected a financial year like 2024/25, got {value!r}",
                   "write the year April to March as YYYY/YY, e.g. 2019/20")
    return value.strip()


FinancialYear = Annotated[str, AfterValidator(_financial_year)]


class Prices(Section):
    base: FinancialYear = spec(
        "the financial year whose prices every sum of money in the results is at (the price "
        "base)", "YYYY/YY", default=LATEST,
        source="the price year of the latest bundled unit costs: NHS England National Cost "
               "Collection 2024/25 and PSSRU Unit Costs of Health and Social Care 2024/25")
    index: Literal["gdp_deflator", "nhs_cost_inflation"] = spec(
        "the index that restates money from its price year to the base: gdp_deflator (HM "
        "Treasury GDP deflators at market prices, September 2022, with OBR forecasts to "
        "2026/27) or nhs_cost_inflation (PSSRU NHS cost inflation index, pay and prices, "
        "2014/15 to 2023/24)", "choice", default="gdp_deflator",
        source="HM Treasury, The Green Book (2022): general inflation is removed with the GDP "
               "deflator")
    written: dict[str, FinancialYear] = spec(
        "the price year of money written in this scenario, by key path or by section, such as "
        "{crisis: 2019/20, liaison.consultant_cost: 2022/23}; money written and not listed "
        "is at the price base", "{key path: YYYY/YY}", default={})


def financial_year_of(month: str) -> str:
    """The financial year (April to March) of a month written YYYY-MM: 2017-02 → 2016/17."""
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@cache
def indices() -> dict[str, dict[str, float]]:
    """index name → financial year → value. Read with the csv module, not polars, so that
    ``validate`` (which checks a scenario's price base against the index) stays light."""
    import csv

    out: dict[str, dict[str, float]] = {name: {} for name in INDEXES}
    with open(DATA / "price_indices.csv", newline="", encoding="utf-8") as file:
        for r in csv.DictReader(file):
            out[r["index"]][r["financial_year"]] = float(r["value"])
    return out


def factor(price_year: str, base: str, index: str) -> float:
    """What £1 at ``price_year`` prices is at ``base`` prices: index[base] ÷ index[price_year].
    KeyError naming the year the index lacks."""
    if price_year == base:
        return 1.0
    table = indices()[index]
    for year in (price_year, base):
        if year not in table:
            raise KeyError(year)
    return table[base] / table[price_year]


def span(index: str) -> str:
    years = sorted(indices()[index])
    return f"{years[0]} to {years[-1]}"


def is_money(unit: str) -> bool:
    return unit.startswith("£")


def _extra(field: Any) -> dict[str, Any]:
    extra = field.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def locate(scenario: BaseModel, path: str) -> tuple[dict[str, Any], bool] | None:
    """The spec of the field a key path names (``liaison.levels.core24.non_pay``,
    ``finance.one_off.2019-04``) and whether the value was written (else it is the default);
    None when the path names no field."""
    node: Any = scenario
    extra: dict[str, Any] | None = None
    written = True
    for part in path.split("."):
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            extra = _extra(type(node).model_fields[part])
            written = written and part in node.model_fields_set
            node = getattr(node, part)
        elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break  # inside a value (a dict of dated amounts)
    return None if extra is None else (extra, written)


def price_year(scenario: BaseModel, path: str) -> str | None:
    """The price year of the money at ``path``, or None when it is not money."""
    found = locate(scenario, path)
    if found is None or not is_money(str(found[0].get("unit", ""))):
        return None
    extra, written = found
    prices: Prices = scenario.prices  # type: ignore[attr-defined]
    if not written:
        year = extra.get("price_year")  # none for a default of 0 (tests/test_prices.py)
        return None if year is None else str(year)
    best = ""
    for key in prices.written:
        if (path == key or path.startswith(key + ".")) and len(key) > len(best):
            best = key
    return prices.written[best] if best else prices.base


def restatement(scenario: BaseModel, path: str) -> float:
    """The factor that puts the money at ``path`` at the price base (1 for what is not money)."""
    year = price_year(scenario, path)
    if year is None:
        return 1.0
    prices: Prices = scenario.prices  # type: ignore[attr-defined]
    return factor(year, prices.base, prices.index)


def money_paths(node: BaseModel, prefix: str = "") -> list[str]:
    """Key paths of every money value written in a scenario (not those left to defaults)."""
    out: list[str] = []
    for name in node.model_fields_set:
        field = type(node).model_fields[name]
        value = getattr(node, name)
        path = f"{prefix}{name}"
        if is_money(str(_extra(field).get("unit", ""))) and value is not None:
            out.append(path)
        if isinstance(value, BaseModel):
            out += money_paths(value, path + ".")
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out += money_paths(item, f"{path}.{i}.")
    return out


def check(scenario: BaseModel) -> None:
    """Every price year the scenario uses is in the chosen index, and ``prices.written`` names
    keys of money written in the scenario."""
    prices: Prices = scenario.prices  # type: ignore[attr-defined]
    table = indices()[prices.index]
    hint = f"the {prices.index} index runs {span(prices.index)}: use years within it"
    if prices.index != "gdp_deflator":
        hint += f", or prices.index: gdp_deflator ({span('gdp_deflator')})"
    if prices.base not in table:
        raise fail(f"the price base {prices.base} is not in the {prices.index} index", hint,
                   key="prices.base")
    keys = [path for name, field in type(scenario).model_fields.items()
            if name != "prices" for path, _, _ in money_defaults_of(field.annotation, name)]
    for key, year in prices.written.items():
        if not any(path == key or path.startswith(key + ".") for path in keys):
            raise fail(f"'{key}' names no money key of a scenario",
                       "name a money key (such as crisis.cost_per_wte) or a section with "
                       "money; money written here: "
                       f"{', '.join(sorted(money_paths(scenario))) or 'none'}",
                       key=f"prices.written.{key}")
        if year not in table:
            raise fail(f"{year} is not in the {prices.index} index", hint,
                       key=f"prices.written.{key}")
    for name in type(scenario).model_fields:
        section = getattr(scenario, name)
        if name == "prices" or not isinstance(section, BaseModel):
            continue
        for path, _, year in money_defaults(type(section), f"{name}."):
            used = price_year(scenario, path) if year else None
            if used is not None and used not in table:
                raise fail(f"the default of {path} is at {used} prices, which the "
                           f"{prices.index} index does not reach", hint + f"; or write "
                           f"{path} at the price base", key="prices.index")


def money_defaults_of(annotation: Any, name: str) -> list[tuple[str, Any, Any]]:
    """:func:`money_defaults` of a field's section type (``Crisis | None``), if it has one."""
    for inner in getattr(annotation, "__args__", (annotation,)):
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return money_defaults(inner, f"{name}.")
    return []


def money_defaults(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(key path, default, price year) of every money default in a section and the sections in
    it: what tests/test_prices.py checks carries its price year."""
    out: list[tuple[str, Any, Any]] = []
    for name, field in model.model_fields.items():
        extra = _extra(field)
        if is_money(str(extra.get("unit", ""))):
            out.append((prefix + name, field.default, extra.get("price_year")))
        annotation = field.annotation
        for inner in getattr(annotation, "__args__", (annotation,)):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                out += money_defaults(inner, f"{prefix}{name}.")
    return out
