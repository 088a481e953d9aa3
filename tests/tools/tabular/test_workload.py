"""The workload key is chosen from public facts: option, schema, categorical target, geography, none."""

from __future__ import annotations

from privsynth.tools.data.schema import ColumnSpec, TableSchema, Workload
from privsynth.tools.tabular.workload import choose_workload

COLUMNS = [
    ColumnSpec(name="age", kind="numeric", min=0, max=99),
    ColumnSpec(name="decile", kind="categorical", categories=list("0123456789"),
               description="income rank with respect to their state"),
    ColumnSpec(name="region_code", kind="categorical", categories=["n", "s"]),
    ColumnSpec(name="smoker", kind="categorical", categories=["yes", "no"]),
]


def test_the_order_of_public_reasons() -> None:
    declared = TableSchema(columns=COLUMNS, workload=Workload(key="smoker"))
    plain = TableSchema(columns=COLUMNS)
    assert choose_workload(declared, key="decile").key == "decile"
    assert choose_workload(declared, target="region_code").key == "smoker"
    assert choose_workload(plain, target="smoker").key == "smoker"
    assert choose_workload(plain, target="age").key == "region_code"  # a numeric target is not a key
    choice = choose_workload(plain)
    assert choice.key == "region_code" and "name" in choice.reason  # a name beats a description's words


def test_no_key_when_nothing_qualifies() -> None:
    schema = TableSchema(columns=[COLUMNS[0], COLUMNS[3]])
    assert choose_workload(schema).key is None


def test_the_conditioned_column_is_the_key_when_nothing_else_decides() -> None:
    # "4000 rows of fraud=1" samples from fraud's conditionals: measured well only when (fraud, X) tables are.
    schema = TableSchema(columns=[ColumnSpec(name="device", kind="categorical", categories=["phone", "laptop"]),
                                  ColumnSpec(name="amount", kind="numeric", min=0, max=10),
                                  ColumnSpec(name="fraud", kind="categorical", categories=["0", "1"])])
    choice = choose_workload(schema, conditioned=["fraud"])
    assert choice.key == "fraud" and "conditions on" in choice.reason
    assert choose_workload(schema, target="device", conditioned=["fraud"]).key == "device"  # the target first
    assert choose_workload(schema, conditioned=["amount"]).key is None  # a number is not a key
    assert choose_workload(schema, conditioned=["fraud", "device"]).key is None  # two columns: no single key
