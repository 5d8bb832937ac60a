"""A small union-find (disjoint sets) used by every merge in the corpus stage."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

__all__ = ["UnionFind"]

K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    """Disjoint sets over hashable keys; the smallest key of a set is its root."""

    def __init__(self) -> None:
        self._parent: dict[K, K] = {}

    def add(self, key: K) -> None:
        self._parent.setdefault(key, key)

    def find(self, key: K) -> K:
        root = self._parent.setdefault(key, key)
        while self._parent[root] != root:
            root = self._parent[root]
        while key != root:  # path compression, iteratively (long chains do occur)
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, a: K, b: K) -> K:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:  # type: ignore[operator]
            ra, rb = rb, ra
        self._parent[rb] = ra
        return ra

    def __contains__(self, key: object) -> bool:
        return key in self._parent

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._parent))

    def groups(self) -> dict[K, list[K]]:
        out: dict[K, list[K]] = {}
        for key in list(self._parent):
            out.setdefault(self.find(key), []).append(key)
        return out
