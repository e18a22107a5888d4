"""The synthetic Norway is deterministic, valid input, and as deep as asked."""
from __future__ import annotations

import filecmp

from orggraph.generate import MAX_DEPTH, MUNICIPALITIES, generate
from orggraph.loader.load import check


def test_same_seed_same_files_and_valid(tmp_path):
    counts = generate(tmp_path / "a", scale=0.005, seed=7)
    generate(tmp_path / "b", scale=0.005, seed=7)
    generate(tmp_path / "c", scale=0.005, seed=8)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)[0] == names
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "c", names, shallow=False)[1]  # seed matters
    assert counts["organisations"] == MUNICIPALITIES
    assert 900 <= counts["units"] <= 1100  # ~200 000 × 0.005
    checked = check([tmp_path / "a"])
    assert len(checked.parsed.nodes) == sum(v for k, v in counts.items() if k != "relationships")


def test_trees_reach_the_maximum_depth(tmp_path):
    generate(tmp_path, scale=0.2, seed=1)
    parents = {}
    with (tmp_path / "units.synthetic.csv").open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            unit_id, _, _, parent = line.split(",")[:4]
            parents[unit_id] = parent

    def depth(unit_id):
        return 1 + depth(parents[unit_id]) if unit_id in parents else 0
    assert max(depth(u) for u in parents) == MAX_DEPTH
