"""Union-find (disjoint sets) with path halving and union by size, over integer ids 0..n-1."""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]

    def union_many(self, items_a: Iterable[int], items_b: Iterable[int]) -> None:
        for a, b in zip(items_a, items_b, strict=True):
            self.union(int(a), int(b))
