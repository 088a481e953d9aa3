"""General junction trees for the AIM synthesizer: triangulation, tree building, warm starts, pair queries.

:class:`~privsynth.tools.tabular.model.graphical_model.JunctionTreeModel` fits and samples any junction tree it is
given; MST builds its trees by hand. AIM measures arbitrary cliques, so it needs:

* :func:`triangulate`: a chordal supergraph of the measured cliques' graph by greedy elimination (pick the
  vertex whose neighbourhood has the smallest table, ties by fewest fill edges), and its maximal
  cliques. AIM keeps the chordal graph between rounds and only adds edges, so every clique of the old
  model lies inside a clique of the new one, which makes warm starts exact (:func:`transfer_theta`).
* :func:`junction_tree`: a maximum-weight spanning tree of the maximal cliques (weight: separator size),
  which has the running-intersection property for the cliques of a chordal graph, rooted at the largest
  clique and listed breadth-first (the order ``JunctionTreeModel`` wants).
* :func:`pair_marginals`: exact model marginals on ``(key, x, y)`` for one ``x`` and every ``y``, also
  for ``x``, ``y`` in different cliques. It propagates the joint ``P(x, C)`` outwards from a clique
  holding ``x`` (``P(x, C_child) = sum P(x, C_parent) * P(C_child) / P(separator)``), so one pass over the
  tree answers all ``y``: ``O(|x| * model size)`` per ``x``. It needs ``key`` in every clique (true when
  every ``(key, X)`` is measured: ``key`` is then adjacent to all vertices of the chordal graph).

Everything here is post-processing of noisy measurements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from privsynth.tools.tabular.model.graphical_model import JunctionTreeModel
from privsynth.tools.tabular.model.sampling import herded_choice, rounded_choice

Graph = dict[int, set[int]]


def add_clique(graph: Graph, attrs: Iterable[int]) -> Graph:
    """A copy of ``graph`` with ``attrs`` made a complete subgraph."""
    out = {v: set(n) for v, n in graph.items()}
    attrs = list(attrs)
    for a in attrs:
        out.setdefault(a, set()).update(b for b in attrs if b != a)
    return out


def is_clique(graph: Graph, attrs: Sequence[int]) -> bool:
    """Whether ``attrs`` are pairwise adjacent in ``graph`` (all present)."""
    return all(a in graph for a in attrs) and all(b in graph[a] for i, a in enumerate(attrs) for b in attrs[i + 1:])


def triangulate(graph: Graph, domain: Sequence[int]) -> tuple[Graph, list[tuple[int, ...]]]:
    """Chordal supergraph of ``graph`` and its maximal cliques (greedy min-weight elimination).

    Returns:
        ``(chordal, cliques)``: the graph with its fill edges, and the sorted maximal cliques.
    """
    work = {v: set(n) for v, n in graph.items()}
    chordal = {v: set(n) for v, n in graph.items()}
    found: list[frozenset[int]] = []
    while work:
        def cost(v: int) -> tuple[float, int, int]:
            nb = work[v]
            fill = sum(1 for a in nb for b in nb if a < b and b not in work[a])
            return float(np.prod([domain[a] for a in nb | {v}], dtype=float)), fill, v
        v = min(work, key=cost)
        nb = work.pop(v)
        for a in nb:
            work[a].discard(v)
            work[a].update(b for b in nb if b != a)
            chordal[a].update(b for b in nb if b != a)
        clique = frozenset(nb | {v})
        if not any(clique <= c for c in found):
            found.append(clique)
    maximal = [c for c in found if not any(c < d for d in found)]
    return chordal, [tuple(sorted(c)) for c in maximal]


def cells(cliques: Iterable[Sequence[int]], domain: Sequence[int]) -> float:
    """Total number of cells of the clique tables."""
    return float(sum(np.prod([domain[a] for a in c], dtype=float) for c in cliques))


def junction_tree(cliques: Sequence[tuple[int, ...]], domain: Sequence[int]) -> tuple[list[tuple[int, ...]], list[int]]:
    """Breadth-first ``(cliques, parents)`` of a maximum spanning tree (weight: separator size).

    Components without a common attribute are joined by empty separators.
    """
    k = len(cliques)
    pairs = sorted(((len(set(cliques[i]) & set(cliques[j])), i, j) for i in range(k) for j in range(i + 1, k)),
                   key=lambda t: (-t[0], t[1], t[2]))
    comp = list(range(k))

    def find(x: int) -> int:
        while comp[x] != x:
            comp[x] = comp[comp[x]]
            x = comp[x]
        return x

    adj: dict[int, list[int]] = {i: [] for i in range(k)}
    for _, i, j in pairs:
        if find(i) != find(j):
            comp[find(i)] = find(j)
            adj[i].append(j)
            adj[j].append(i)
    root = max(range(k), key=lambda i: (np.prod([domain[a] for a in cliques[i]], dtype=float), -i))
    order, parent_of = [root], {root: -1}
    for node in order:
        for nxt in sorted(adj[node]):
            if nxt not in parent_of:
                parent_of[nxt] = node
                order.append(nxt)
    position = {c: i for i, c in enumerate(order)}
    return [cliques[c] for c in order], [-1 if parent_of[c] < 0 else position[parent_of[c]] for c in order]


def transfer_theta(old: JunctionTreeModel, new: JunctionTreeModel) -> None:
    """Warm start: each old clique's potential, and the structural zeros, into the new cliques (same distribution)."""
    for clique, theta in zip(old.cliques, old.theta, strict=True):
        i = new.clique_of(clique)
        new.theta[i] = new.theta[i] + new._expand(theta, clique, new.cliques[i])
    new.total = old.total
    new.set_zeros(old.zeros)


def pair_marginals(model: JunctionTreeModel, probs: list[np.ndarray], x: int, key: int | None,
                   ys: Iterable[int]) -> dict[int, np.ndarray]:
    """Model counts on sorted ``(key, x, y)`` (or ``(x, y)`` without a key) for every ``y`` in ``ys``.

    Args:
        model: The fitted model (its cliques and total).
        probs: Its calibrated clique marginals (``model.calibrate(model.theta)``).
        x: The fixed attribute.
        key: An attribute in every clique, or None.
        ys: The other attributes (not ``x`` nor ``key``).

    Returns:
        ``y -> table`` shaped by the sorted attributes' domains.
    """
    cliques, k = model.cliques, len(model.cliques)
    adj: dict[int, list[int]] = {i: [] for i in range(k)}
    for i, p in enumerate(model.parents):
        if p >= 0:
            adj[i].append(p)
            adj[p].append(i)
    root = min((i for i in range(k) if x in cliques[i]), key=lambda i: probs[i].size)
    dx = model.domain[x]
    eye_shape = [dx if a == x else 1 for a in cliques[root]]
    q = {root: probs[root][None] * np.eye(dx).reshape([dx] + eye_shape)}
    order, seen = [root], {root}
    for node in order:
        for child in adj[node]:
            if child in seen:
                continue
            seen.add(child)
            order.append(child)
            sep = tuple(a for a in cliques[child] if a in cliques[node])
            msg = q[node].sum(axis=tuple(1 + i for i, a in enumerate(cliques[node]) if a not in sep))
            p_child = probs[child]
            p_sep = p_child.sum(axis=model._sum_axes(cliques[child], sep))
            cond = p_child / model._expand(np.where(p_sep > 0, p_sep, 1.0), sep, cliques[child])
            shape = [dx] + [model.domain[a] if a in sep else 1 for a in cliques[child]]
            q[child] = msg.reshape(shape) * cond[None]
    out = {}
    for y in ys:
        c = next(i for i in order if y in cliques[i])
        keep = {y} | ({key} if key is not None else set())
        table = q[c].sum(axis=tuple(1 + i for i, a in enumerate(cliques[c]) if a not in keep))
        rest = [a for a in cliques[c] if a in keep]  # axes of table after x: clique order of key, y
        attrs = [x] + rest
        target = sorted(attrs)
        out[y] = model.total * np.transpose(table, [attrs.index(a) for a in target])
    return out


class LargeCliqueModel(JunctionTreeModel):
    """A :class:`JunctionTreeModel` whose sampler scales to large cliques.

    The base sampler indexes an ``n x (new cells)`` table of cumulative sums, which is gigabytes for
    AIM's cliques; here every separator row's conditional cumulative distribution is shifted by its row
    index and the draw is one :func:`numpy.searchsorted` on the flattened table (``O(cells + n log cells)``).
    """

    def sample(self, n: int, rng: np.random.Generator, evidence: dict[int, int] | None = None,
               rounding: bool = False, herding: bool = False) -> np.ndarray:
        """Draw ``n`` records (codes), optionally with some attributes fixed (as the base class).

        With ``rounding`` and ``herding``, each clique's new attributes go to the records of a separator
        configuration by :func:`~privsynth.tools.tabular.model.sampling.herded_choice`, balanced over the attributes
        sampled before (same counts as rounding, far less chance association between cliques).
        """
        probs = self.conditioned_marginals(evidence)
        out = np.zeros((n, len(self.domain)), dtype=np.int64)
        sampled: list[int] = []
        for i, clique in enumerate(self.cliques):
            sep = self.seps[i]
            new = tuple(a for a in clique if a not in sep)
            if not new:
                continue
            table = np.transpose(probs[i], [clique.index(a) for a in sep + new])
            width = int(np.prod([self.domain[a] for a in new]))
            table = table.reshape(-1, width)
            mass = table.sum(axis=1, keepdims=True)
            cond = np.where(mass > 0, table / np.where(mass > 0, mass, 1.0), 1.0 / width)
            row = np.ravel_multi_index(tuple(out[:, a] for a in sep), [self.domain[a] for a in sep]) if sep \
                else np.zeros(n, dtype=np.int64)
            if rounding:
                cond = cond / cond.sum(axis=1, keepdims=True)
                done = [a for a in sampled if a not in sep]
                pick = herded_choice(row, cond, rng, out, use=done) if herding else rounded_choice(row, cond, rng)
            else:
                cum = np.cumsum(cond, axis=1)
                cum = cum / cum[:, -1:]
                cum[:, -1] = 1.0
                flat = (cum + np.arange(len(cum))[:, None]).ravel()
                pos = np.searchsorted(flat, row + rng.random(n), side="right")
                pick = np.clip(pos - row * width, 0, width - 1)
            for a, codes in zip(new, np.unravel_index(pick, [self.domain[a] for a in new]), strict=True):
                out[:, a] = codes
            sampled += list(new)
        return out
