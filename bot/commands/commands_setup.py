"""The typed commands of bulk set-up and the review queue (issue 9): imports from files,
exports in the same shapes, and mapping what the POS sells from the engine's best guesses.

Kept apart from `commands` (each module one family); `commands.Command` includes them.
"""

from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class MenuImport:
    words: ClassVar[str] = "menu import"
    changes: ClassVar[bool] = True
    file: str
    provider: str = "generic"


@dataclass(frozen=True, slots=True)
class ProductImport:
    words: ClassVar[str] = "product import"
    changes: ClassVar[bool] = True
    file: str


@dataclass(frozen=True, slots=True)
class MapImport:
    words: ClassVar[str] = "map import"
    changes: ClassVar[bool] = True
    file: str


@dataclass(frozen=True, slots=True)
class Review:
    words: ClassVar[str] = "review"
    changes: ClassVar[bool] = False
    page: int = 1


@dataclass(frozen=True, slots=True)
class ReviewAccept:
    """`review accept <item>` (`name`), or `review accept all above <n>%` (`above`)."""

    words: ClassVar[str] = "review accept"
    changes: ClassVar[bool] = True
    name: str | None = None
    above: Fraction | None = None
