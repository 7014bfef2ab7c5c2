"""Sub-sites for the generated families: names, categories and the seed of each family."""

from __future__ import annotations

import random

from ...model import Category, SiteDef
from ...text import fold
from . import names

# One article in this many of a generated site is served in NFD, when the site does that.
_NFD_EVERY = 15


def random_sites(seed: int, count: int) -> tuple[SiteDef, ...]:
    """``count`` sites, the i-th wearing the family drawn from (seed, i)."""
    rng = random.Random(f"randomcms-sites:{seed}")
    titles = rng.sample(names.SITE_NAMES, min(count, len(names.SITE_NAMES)))
    sites = []
    for index in range(count):
        name = titles[index] if index < len(titles) else f"{rng.choice(names.SITE_NAMES)} {index}"
        picked = rng.sample(names.CATEGORIES, rng.randint(2, 4))
        categories = tuple(
            Category("-".join(fold(label).lower().replace("-", " ").split()), label, topic)
            for label, topic in picked
        )
        sites.append(
            SiteDef(
                key=f"rnd{index + 1}",
                name=name,
                family="random",
                categories=categories,
                parent=None if index == 0 else "rnd1",
                family_seed=f"{seed}:{index}",
                nfd_every=_NFD_EVERY if rng.random() < 0.3 else 0,
            )
        )
    return tuple(sites)
