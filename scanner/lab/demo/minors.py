"""Possible minors in the demo world, so the escalation path can be practised and tested.

In a few networks (one in four, at least one) the operator also posts for a girl under 18. The site
only accepts ages from 18, so her age field says 18 or 19, but her text gives her real age (16 or
17: "Ik ben Mila (17)") and youth language ("schoolmeisje look", "piepjong"): the contradiction an
investigator meets in real ads. The ground truth keeps both ages.

Chosen with a random generator of their own (seeded "<seed>:minors"), after every advertiser has been
planned, so adding them changes no other ad of the world.
"""

from __future__ import annotations

import random
from dataclasses import replace

from scanner.lab.demo.actors import Plan

MINOR_AGES = (16, 17)
FIELD_AGES = (18, 19)  # what the site's age field says: the site refuses anything lower


def add_possible_minors(plans: list[Plan], rng: random.Random, networks: int) -> set[str]:
    """Make one woman of every fourth network (at least one) a girl under 18; returns her person ids."""
    people: dict[str, list[str]] = {}
    for plan in plans:
        if plan.network_id is not None and plan.person_id not in people.setdefault(plan.network_id, []):
            people[plan.network_id].append(plan.person_id)
    chosen_networks = rng.sample(sorted(people), min(len(people), max(1, networks // 4)))
    minors = {rng.choice(sorted(people[network])) for network in chosen_networks}
    for person in sorted(minors):
        age, field_age = rng.choice(MINOR_AGES), rng.choice(FIELD_AGES)
        for plan in plans:
            if plan.person_id != person:
                continue
            for index, version in enumerate(plan.versions):
                spec = replace(version.spec, age=age, age_in_text=True, indicators=version.spec.indicators | {"youth"})
                plan.versions[index] = replace(version, spec=spec, age_field=field_age)
    return minors
