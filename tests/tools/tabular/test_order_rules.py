"""Tests of order rules (``greater_than`` between counts, ``max_by`` ceilings): valid pairs, model zeros, samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from privsynth.tools.data.nist import apply_reviewed, reviewed_files
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.codec import FineColumn, compress
from privsynth.tools.tabular.encoding.order_rules import (
    ceiling_pairs,
    draw_valid_pairs,
    order_zero_tables,
    valid_pairs,
)
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer

FAST = {"iters": 80, "round_iters": 15, "progress": False}


def family_schema(rule: bool = True) -> TableSchema:
    """NIST's shape: own children (0 a special value, 1-9 counted, N in group quarters) and family size."""
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b", "c"], nullable=False),
        ColumnSpec(name="children", kind="numeric", min=1, max=9, integer=True, special_values=["0"], nullable=True),
        ColumnSpec(name="family", kind="numeric", min=2, max=12, integer=True, nullable=True,
                   greater_than="children" if rule else None),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
    ])


def family_data(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Children 0-4; a family of the children, one or two parents and sometimes others; no family for some."""
    rng = np.random.default_rng(seed)
    children = rng.choice([0, 0, 0, 1, 2, 3, 4], n).astype(float)
    family = children + rng.choice([1, 2, 2, 3], n)
    lonely = (children == 0) & (rng.random(n) < 0.4)
    family[lonely] = np.nan  # a non-family household
    gq = rng.random(n) < 0.03
    children[gq], family[gq] = np.nan, np.nan
    family[(family < 2) & ~np.isnan(family)] = 2
    return pd.DataFrame({"region": rng.choice(["a", "b", "c"], n), "children": children, "family": family,
                         "age": rng.integers(0, 90, n)})


def broken(frame: pd.DataFrame) -> int:
    """Rows that break 'family > children' (both numbers) or 'children above zero means a family'."""
    c, f = frame["children"], frame["family"]
    return int(((c.notna() & f.notna() & (f <= c)) | ((c > 0) & f.isna())).sum())


def test_the_generated_data_of_the_test_keeps_the_rule() -> None:
    assert broken(family_data()) == 0


def test_valid_pairs_reads_counts_specials_and_missing() -> None:
    schema = family_schema()
    low, high = FineColumn(schema.column("children")), FineColumn(schema.column("family"))
    valid = valid_pairs(low, high)
    zero, missing_low = low.n_bins, low.missing_code  # the special value "0", then the missing code
    assert valid[zero].all()  # no children: any family size, or none
    assert valid[missing_low].all()  # no count of children: the rule says nothing
    three = 2  # children bins start at 1
    assert not valid[three, high.missing_code]  # three children and no family
    assert not valid[three, 1] and valid[three, 2]  # family 3 is not greater than 3; family 4 is
    assert valid[0, 0]  # one child, a family of two


def family_rule(low_counts: list[float], high_counts: list[float]) -> tuple:
    """The family rule's columns, their groups from noisy counts, its valid pairs and its forbidden cells."""
    schema = family_schema()
    low, high = FineColumn(schema.column("children")), FineColumn(schema.column("family"))
    g_low = compress(np.array(low_counts), low.n_bins, threshold=20.0, groups=4)
    g_high = compress(np.array(high_counts), high.n_bins, threshold=20.0, groups=4)
    tables = order_zero_tables([low, high], [g_low, g_high])
    table = tables[0][1] if tables else np.zeros((g_low.n_groups, g_high.n_groups), bool)
    return low, high, g_low, g_high, valid_pairs(low, high), table


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 80), min_size=11, max_size=11), st.lists(st.floats(0, 80), min_size=12, max_size=12),
       st.integers(0, 2**32 - 1))
def test_a_redrawn_pair_keeps_the_rule_and_its_cell(low_counts: list[float], high_counts: list[float],
                                                     seed: int) -> None:
    """Property: over random noisy counts (so random groups), every row of a permitted cell ends valid, in its cell."""
    low, high, g_low, g_high, valid, table = family_rule(low_counts, high_counts)
    rng = np.random.default_rng(seed)
    n = 400
    fine_low, fine_high = rng.integers(0, low.size, n), rng.integers(0, high.size, n)
    cell_low, cell_high = g_low.of_fine[fine_low], g_high.of_fine[fine_high]
    permitted = ~table[cell_low, cell_high]
    new_low, new_high = draw_valid_pairs(fine_low, fine_high, valid, g_low, g_high, g_low.weights[None, :],
                                         g_high.weights[None, :], np.zeros(n, np.int64), rng)
    assert valid[new_low, new_high][permitted].all()
    assert (g_low.of_fine[new_low] == cell_low).all() and (g_high.of_fine[new_high] == cell_high).all()
    already = valid[fine_low, fine_high]
    assert (new_low[already] == fine_low[already]).all() and (new_high[already] == fine_high[already]).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 80), min_size=11, max_size=11), st.lists(st.floats(0, 80), min_size=12, max_size=12))
def test_a_forbidden_cell_holds_no_valid_pair_and_a_permitted_one_does(low_counts: list[float],
                                                                       high_counts: list[float]) -> None:
    low, high, g_low, g_high, valid, table = family_rule(low_counts, high_counts)
    for gl in range(g_low.n_groups):
        for gh in range(g_high.n_groups):
            cell = valid[np.ix_(g_low.of_fine == gl, g_high.of_fine == gh)]
            assert table[gl, gh] == (not cell.any())


@pytest.mark.parametrize("seed", range(3))
def test_aim_samples_keep_the_rule_and_without_it_do_not(seed: int) -> None:
    """The bug this fixes: without the rule, AIM at epsilon 1 samples families no larger than their children."""
    data = family_data(seed=seed)
    with_rule = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=seed, **FAST).fit(data, family_schema()).sample(3000)
    assert broken(with_rule) == 0
    assert with_rule["children"].gt(0).mean() > 0.2 and with_rule["family"].notna().mean() > 0.5
    if seed == 0:
        without = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=seed, **FAST).fit(
            data, family_schema(rule=False)).sample(3000)
        assert broken(without) > 0


def test_conditional_samples_keep_the_rule() -> None:
    data = family_data(seed=4)
    synth = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=4, **FAST).fit(data, family_schema()).sample(
        800, conditions={"region": "b"})
    assert (synth["region"] == "b").all()
    assert broken(synth) == 0


def test_the_schema_refuses_a_rule_on_a_non_count() -> None:
    with pytest.raises(ValidationError, match="greater than 'region'"):
        TableSchema(columns=[ColumnSpec(name="region", kind="categorical", categories=["a"]),
                             ColumnSpec(name="n", kind="numeric", min=0, max=9, integer=True, greater_than="region")])
    with pytest.raises(ValidationError, match="integer counts"):
        TableSchema(columns=[ColumnSpec(name="m", kind="numeric", min=0, max=9),
                             ColumnSpec(name="n", kind="numeric", min=0, max=9, integer=True, greater_than="m")])


def test_dropping_the_count_drops_the_rule() -> None:
    schema = family_schema().dropping(["children"])
    assert schema.column("family").greater_than is None


def test_the_shipped_nist_relations_state_the_family_rule() -> None:
    (_, reviewed), = reviewed_files()
    assert reviewed["columns"]["NPF"]["greater_than"] == "NOC"
    raw = {"columns": [{"name": c, "kind": "numeric", "min": 1, "max": 19, "integer": True,
                        "description": reviewed["match"].get(c)} for c in ("PUMA", "AGEP", "HOUSING_TYPE",
                                                                           "PINCP", "INDP", "NOC", "NPF")]}
    applied = apply_reviewed(raw)
    assert next(c for c in applied["columns"] if c["name"] == "NPF")["greater_than"] == "NOC"


def school_schema(rule: bool = True) -> TableSchema:
    """An attainment ceiling by age, NIST-like: codes 1-6 in order, capped under 6, 12 and 18."""
    ceiling = {"column": "age", "steps": [[6, "2"], [12, "3"], [18, "4"]]} if rule else None
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="school", kind="categorical", categories=[str(k) for k in range(1, 7)], nullable=False,
                   max_by=ceiling),
    ])


def school_data(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 90, n)
    top = np.select([age < 6, age < 12, age < 18], [2, 3, 4], 6)
    school = np.minimum(rng.integers(1, 7, n), top)
    return pd.DataFrame({"region": rng.choice(["a", "b"], n), "age": age, "school": school.astype(str)})


def above_ceiling(frame: pd.DataFrame) -> int:
    age, school = frame["age"], frame["school"].astype(int)
    return int(((age < 6) & (school > 2) | (age < 12) & (school > 3) | (age < 18) & (school > 4)).sum())


def test_ceiling_pairs_cap_the_codes_below_each_step() -> None:
    schema = school_schema()
    age, school = FineColumn(schema.column("age")), FineColumn(schema.column("school"))
    valid = ceiling_pairs(age, school)
    assert valid[5, :2].all() and not valid[5, 2:].any()  # age 5: codes 1-2 only
    assert valid[11, :3].all() and not valid[11, 3:].any()
    assert valid[17, :4].all() and not valid[17, 4:].any()
    assert valid[18].all() and valid[40].all()


@pytest.mark.parametrize("seed", range(3))
def test_aim_samples_keep_the_ceiling_and_without_it_do_not(seed: int) -> None:
    data = school_data(seed=seed)
    assert above_ceiling(data) == 0
    synth = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=seed, **FAST).fit(data, school_schema()).sample(3000)
    assert above_ceiling(synth) == 0
    real_top = data["school"].astype(int).eq(6).mean()  # about 13%: adults keep the top code
    assert abs(synth["school"].astype(int).eq(6).mean() - real_top) < 0.05
    if seed == 0:
        without = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=seed, **FAST).fit(
            data, school_schema(rule=False)).sample(3000)
        assert above_ceiling(without) > 0


def test_the_schema_refuses_a_ceiling_it_cannot_read() -> None:
    with pytest.raises(ValidationError, match="does not declare"):
        TableSchema(columns=[ColumnSpec(name="age", kind="numeric", min=0, max=9),
                             ColumnSpec(name="s", kind="categorical", categories=["1"],
                                        max_by={"column": "age", "steps": [[5, "7"]]})])
    with pytest.raises(ValidationError, match="increasing"):
        TableSchema(columns=[ColumnSpec(name="age", kind="numeric", min=0, max=9),
                             ColumnSpec(name="s", kind="categorical", categories=["1", "2"],
                                        max_by={"column": "age", "steps": [[5, "2"], [3, "1"]]})])


def test_the_shipped_nist_relations_cap_education_by_age() -> None:
    (_, reviewed), = reviewed_files()
    steps = reviewed["columns"]["EDU"]["max_by"]["steps"]
    assert steps[0] == [5, "2"] and [t for t, _ in steps] == sorted(t for t, _ in steps)


def work_schema() -> TableSchema:
    """A one-sided rule whose threshold (16) the model's age groups need not end at: no industry under 16."""
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="industry", kind="categorical", categories=["farm", "shop", "office"],
                   holds_when={"column": "age", "below": 16, "exact": False}),
    ])


def work_data(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 90, n)
    industry = pd.Series(rng.choice(["farm", "shop", "office"], n), dtype=object)
    industry[(age < 16) | (rng.random(n) < 0.3)] = np.nan
    return pd.DataFrame({"region": rng.choice(["a", "b"], n), "age": age, "industry": industry})


def working_children(frame: pd.DataFrame) -> int:
    return int(((frame["age"] < 16) & frame["industry"].notna()).sum())


def test_a_one_sided_rule_holds_in_every_row_not_only_in_whole_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    data = work_data()
    assert working_children(data) == 0
    fitted = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=0, **FAST).fit(data, work_schema())
    assert working_children(fitted.sample(3000)) == 0
    monkeypatch.setattr(AIMSynthesizer, "_keep_order_rules", lambda self, fine, codes, rng: fine)
    assert working_children(fitted.sample(3000)) > 0  # group-level zeros alone leave the straddling age group


def gated_school_schema() -> TableSchema:
    """Two rules on one pair and others on the same age (NIST's EDU): missing exactly under 3, capped by age."""
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="school", kind="categorical", categories=[str(k) for k in range(1, 7)],
                   holds_when={"column": "age", "below": 3},
                   max_by={"column": "age", "steps": [[5, "2"], [12, "3"], [18, "4"]]}),
        ColumnSpec(name="industry", kind="categorical", categories=["farm", "shop"],
                   holds_when={"column": "age", "below": 16, "exact": False}),
    ])


def gated_school_data(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 90, n)
    top = np.select([age < 5, age < 12, age < 18], [2, 3, 4], 6)
    school = pd.Series(np.minimum(rng.integers(1, 7, n), top).astype(str), dtype=object)
    school[age < 3] = np.nan
    industry = pd.Series(rng.choice(["farm", "shop"], n), dtype=object)
    industry[(age < 16) | (rng.random(n) < 0.3)] = np.nan
    return pd.DataFrame({"region": rng.choice(["a", "b"], n), "age": age, "school": school, "industry": industry})


@pytest.mark.parametrize("seed", range(4))
def test_rules_sharing_a_column_hold_together(seed: int) -> None:
    from privsynth.tools.metrics.schema_checks import check_schema

    data, schema = gated_school_data(seed=seed), gated_school_schema()
    assert check_schema(data, schema).valid
    synth = AIMSynthesizer(epsilon=1.0, delta=1e-6, seed=seed, **FAST).fit(data, schema).sample(20_000)
    assert [i for i in check_schema(synth, schema).issues if i.problem == "breaks_rule"] == []


def test_two_rules_on_one_pair_are_one_table() -> None:
    """The bug this fixes: the cap's redraw gave a 4-year-old no school (valid for the cap), breaking the gate."""
    from privsynth.tools.tabular.encoding.order_rules import pair_rules

    schema = gated_school_schema()
    columns = [FineColumn(c) for c in schema.modelled_columns]
    rules = pair_rules(columns)
    age, school = 1, 2
    on_school = [valid for a, b, valid in rules if (a, b) == (age, school)]
    assert len(on_school) == 1
    valid = on_school[0]
    missing = columns[school].missing_code
    assert not valid[4, missing] and valid[2, missing] and not valid[2, 0]  # the gate: missing exactly under 3
    assert valid[4, 1] and not valid[4, 2]  # the cap: at most "2" under 5


def test_a_redraw_moves_the_constrained_column_alone_when_its_group_allows() -> None:
    schema = school_schema()
    age, school = FineColumn(schema.column("age")), FineColumn(schema.column("school"))
    valid = ceiling_pairs(age, school)
    g_age = compress(np.full(age.size, 50.0), age.n_bins, threshold=20.0, groups=5)
    g_school = compress(np.full(school.size, 5.0), school.n_bins, threshold=20.0, groups=1)  # one rare group
    rng = np.random.default_rng(0)
    fine_age, fine_school = np.array([4, 10, 40]), np.array([5, 5, 5])  # ages 4 and 10 break the cap
    new_age, new_school = draw_valid_pairs(fine_age, fine_school, valid, g_age, g_school, g_age.weights[None, :],
                                           g_school.weights[None, :], np.zeros(3, np.int64), rng)
    assert list(new_age) == [4, 10, 40]  # the ages stay
    assert new_school[0] <= 1 and new_school[1] <= 2 and new_school[2] == 5
