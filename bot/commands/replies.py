"""What a command answers, in a shape every front-end can render.

`session.run(text, actor)` returns a `Reply`; `bot.slack` turns it into Block Kit, `bot.terminal`
into text, and `Reply.to_json()` is the CLI's `--json`. A `ChartSpec` is data only: `bot.charts`
draws it (matplotlib never enters this package). An `Action` carries the command text a button
sends back through the parser, so a click and typing the words are the same command.

The standard library only; every value is a frozen slotted dataclass (a `ChartSpec` is pickled to
the chart process, so it holds only tuples, strings and numbers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "right"]
ActionStyle = Literal["primary", "danger"]
XKind = Literal["hour", "day"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    align: Align = "left"

    def __post_init__(self) -> None:
        if self.align not in ("left", "right"):
            raise ValueError(f"column {self.name!r}: align must be 'left' or 'right'")


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of already formatted cells ("18.50", "2.9 btl"): front-ends lay out, never format."""

    title: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(
                    f"table {self.title!r}: row {number} has {len(row)} cells, not {width}"
                )


@dataclass(frozen=True, slots=True)
class Action:
    """A suggested next step: a button whose click runs `command` as if it had been typed.

    `typed` is the step as words to type, when they differ from the button's command: the Map
    button opens a form (`map "X" = `), while the terminal suggests the whole command with the
    best guess filled in (`map "X" = shot "Tito's Vodka"`), which parses as it stands."""

    label: str
    command: str
    style: ActionStyle | None = None
    typed: str | None = None

    def __post_init__(self) -> None:
        if self.style not in (None, "primary", "danger"):
            raise ValueError(f"action {self.label!r}: style must be 'primary', 'danger' or None")


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Net sales as bars and pour cost % as a line, per venue-local hour or per business day.

    `x_labels` are "18:00" (x_kind "hour") or ISO dates "2026-11-21" (x_kind "day"); the series
    line up with them. Money is in minor units of `currency` (`currency_exponent` digits), shown
    in `locale` (the venue's, `Venue.locale`); pour cost is a percentage, None where it is
    undefined (net sales 0, see the engine spec). `x_title` names the axis and the time zone its
    hours or days are in ("Hour (America/Toronto, EST)").
    """

    title: str
    currency: str
    x_labels: tuple[str, ...]
    x_kind: XKind
    net_sales_minor: tuple[int, ...]
    pour_cost_pct: tuple[float | None, ...]
    currency_exponent: int
    subtitle: str | None = None
    locale: str = "en"
    x_title: str | None = None

    def __post_init__(self) -> None:
        n = len(self.x_labels)
        if len(self.net_sales_minor) != n or len(self.pour_cost_pct) != n:
            raise ValueError(
                f"chart {self.title!r}: {n} labels, {len(self.net_sales_minor)} net sales, "
                f"{len(self.pour_cost_pct)} pour cost values"
            )
        if self.x_kind not in ("hour", "day"):
            raise ValueError(f"chart {self.title!r}: x_kind must be 'hour' or 'day'")
        if not 0 <= self.currency_exponent <= 4:
            raise ValueError(f"chart {self.title!r}: currency exponent {self.currency_exponent}")
        for label, net, pct in zip(
            self.x_labels, self.net_sales_minor, self.pour_cost_pct, strict=True
        ):
            if net == 0 and pct is not None:
                raise ValueError(f"chart {self.title!r}: pour cost at {label} with no net sales")

    @property
    def has_sales(self) -> bool:
        return any(self.net_sales_minor)


CHART_FORMATS = ("png", "svg", "pdf")
"""What `--chart FILE` can write: the format its extension names."""


def chart_format(filename: str) -> str:
    """`png`, `svg` or `pdf` from `filename`'s extension; ValueError (with the reason for a
    person) for any other."""
    stem, dot, extension = filename.rpartition(".")
    fmt = extension.lower() if dot and stem and "/" not in extension else ""
    if fmt not in CHART_FORMATS:
        names = ", ".join(f".{f}" for f in CHART_FORMATS)
        raise ValueError(f"--chart writes {names} files; {filename!r} names none of them")
    return fmt


@dataclass(frozen=True, slots=True)
class Document:
    """A file a reply hands over (`products --csv`): the terminal prints `text`, Slack uploads
    it as `filename`."""

    filename: str
    text: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer. `summary` stands alone: notifications, screen readers, the terminal's first line.

    `data` is the `--json` object, built by the handler with money as decimal strings in major
    units; `ok=False` marks a refusal, whose `error_code` is the engine error's stable code.
    """

    summary: str
    tables: tuple[Table, ...] = ()
    chart: ChartSpec | None = None
    actions: tuple[Action, ...] = ()
    document: Document | None = None
    data: Mapping[str, object] = field(default_factory=dict)
    ok: bool = True
    error_code: str | None = None

    def __post_init__(self) -> None:
        if self.ok and self.error_code is not None:
            raise ValueError("a successful reply has no error code")
        if not self.ok and not self.error_code:
            raise ValueError("a refusal needs an error code")

    @classmethod
    def refusal(
        cls,
        summary: str,
        error_code: str,
        *,
        hint: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> Reply:
        """What was wrong (and the closest valid form); `data` mirrors it for `--json`, with
        `details` (e.g. each refused row) beside."""
        data: dict[str, object] = {"error": error_code, "message": summary}
        if hint is not None:
            data["hint"] = hint
        data.update(details or {})
        return cls(summary=summary, data=data, ok=False, error_code=error_code)

    def to_json(self) -> str:
        """`data` as one JSON object, keys in the order the handler inserted them."""
        return json.dumps(self.data, ensure_ascii=False, default=_jsonable)


def _jsonable(value: object) -> object:
    # json.dumps only knows dict; handlers may hand over read-only views (MappingProxyType).
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON: format it in the handler")
