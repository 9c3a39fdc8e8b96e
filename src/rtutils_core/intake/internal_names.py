"""Internal device names such as "Swift Otter": easy to say across a classroom, and unique."""

from __future__ import annotations

import random
from collections.abc import Sequence
from importlib import resources

from attrs import frozen


def _words(file_name: str) -> tuple[str, ...]:
    text = resources.files("rtutils_core.intake").joinpath("words", file_name).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(sorted({w for w in lines if w and not w.startswith("#")}))


@frozen
class NameWords:
    """The two word lists names are drawn from."""

    adjectives: tuple[str, ...]
    animals: tuple[str, ...]

    @classmethod
    def shipped(cls) -> NameWords:
        """The lists shipped with the package (``rtutils_core/words/*.txt``)."""
        return cls(_words("adjectives.txt"), _words("animals.txt"))

    @property
    def size(self) -> int:
        """How many different names the lists make."""
        return len(self.adjectives) * len(self.animals)

    def draw(self, rng: random.Random, count: int) -> Sequence[str]:
        """``count`` different names in random order (fewer if the lists run out)."""
        picks = rng.sample(range(self.size), min(count, self.size))
        width = len(self.animals)
        return [f"{self.adjectives[i // width]} {self.animals[i % width]}" for i in picks]
