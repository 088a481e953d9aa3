"""Tests of AIM's per-table key noise (``key_noise``) and the removal of an empty rare key group."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import ConfigError
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer

FAST = {"iters": 60, "round_iters": 15, "progress": False}
AREAS = [f"area{i:02d}" for i in range(30)]


def schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=AREAS, nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
        ColumnSpec(name="job", kind="categorical", categories=[f"j{i}" for i in range(12)]),
    ])


def data(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Only the first three of the 30 declared areas occur."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"area": rng.choice(AREAS[:3], n), "age": rng.integers(0, 90, n),
                         "sex": rng.choice(["F", "M"], n), "job": rng.choice([f"j{i}" for i in range(12)], n)})


def test_key_sigmas_keep_the_budget_and_favour_large_tables() -> None:
    """``cells``: same total precision as equal noise, less noise on tables with more public cells."""
    cells = AIMSynthesizer(1.0, 1e-6, key="area", schema=schema(), numeric_groups=10, key_noise="cells", key_parts=1)
    equal = AIMSynthesizer(1.0, 1e-6, key="area", schema=schema(), numeric_groups=10, key_noise="equal")
    sigma = cells.noise_plan()["key"]
    assert equal.key_sigmas() == {1: sigma, 2: sigma, 3: sigma}
    got = cells.key_sigmas()
    assert math.isclose(sum(s ** -2 for s in got.values()), 3 / sigma ** 2, rel_tol=1e-12)
    assert got[3] < got[1] < got[2]  # job: 13 codes, age: 10 groups, sex: 2 codes
    assert math.isclose(got[2] / got[3], (13 / 2) ** (1 / 3), rel_tol=1e-12)
    split = AIMSynthesizer(1.0, 1e-6, key="area", schema=schema(), numeric_groups=10).key_sigmas()  # key_parts=2
    assert math.isclose(split[2] / split[1], (20 / 2) ** (1 / 3), rel_tol=1e-12)  # age: 10 groups in halves
    with pytest.raises(ConfigError):
        AIMSynthesizer(1.0, 1e-6, key_noise="bogus")


def test_fit_spends_the_key_sigmas() -> None:
    gen = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", rounds=3, **FAST).fit(data(), schema())
    assert gen.key_spent[2] == [gen.key_sigmas()[2]] and gen.key_spent[3] == [gen.key_sigmas()[3]]
    coarse, fine = gen.key_spent[1]  # age: its groups and its sub-groups, half of the precision each
    assert math.isclose(coarse, fine) and math.isclose(coarse ** -2 + fine ** -2, gen.key_sigmas()[1] ** -2)
    gauss = gen.privacy_event().events[0]
    plan = gen.sigmas
    inv = 4 / plan["one_way"] ** 2 + sum(s ** -2 for s in gen.key_sigmas().values()) + 3 / plan["tree"] ** 2
    assert math.isclose(inv, 1.0 / gauss.noise_multiplier ** 2, rel_tol=1e-9)


@pytest.mark.parametrize("drop", [True, False])
def test_empty_rare_key_group(drop: bool) -> None:
    """Absent key values (a noisy total that is not significant) get no synthetic records when dropped."""
    gen = AIMSynthesizer(1.0, 1e-6, seed=1, key="area", rounds=3, drop_empty_key=drop, **FAST).fit(data(), schema())
    rare = gen.groups[0].n_groups - 1
    assert gen.groups[0].n_groups == 4  # three present areas and the rare group
    share = gen.model.marginal((0,))[rare] / gen.model.total
    out = gen.sample(3000)
    if drop:
        assert share < 1e-9 and out["area"].isin(AREAS[:3]).all()
    else:
        assert share > 1e-6
    assert set(out["area"]) >= set(AREAS[:3])
    assert (gen.sample(20, conditions={"area": "area07"})["area"] == "area07").all()
