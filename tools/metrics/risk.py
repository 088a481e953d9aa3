"""Anonymeter's re-identification risks: singling out, linkability and attribute inference.

Anonymeter (Giomi et al., PoPETs 2023) attacks the real training rows using only the synthetic table and
compares the attack's success with the same attack on a real *control* set (here the holdout, which the
generator never saw). The reported risk is the excess success on training rows, ``(attack - control) /
(1 - control)``, with a Wilson-style confidence interval; 0 means the synthetic data helps the attacker
no more against the people it was made from than against anybody else.

* **Singling out**: predicates built from synthetic rows ("age = 71 and occupation = X") that match
  exactly one training row.
* **Linkability**: the columns are split in two halves; a training row is linked when both halves have
  the same nearest synthetic row.
* **Inference**: knowing all other columns of a training row, guess a secret column (the utility target,
  else the last modelled column) from the nearest synthetic row.

Attacks are few (``n_attacks``, default 300) to keep the run short, so the confidence intervals are wide;
read their upper bounds. Any attack that fails is reported with a note, never raised. These are non-DP
statistics of the real data for the data owner only.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from privsynth.tools.metrics.fidelity import MISSING, Specs, as_category_str, as_specs, split_numeric

N_ATTACKS = 300
CONFIDENCE = 0.95
DEFINITIONS = {
    "singling_out": "Anonymeter singling-out risk: excess share of predicates, built from synthetic rows, "
                    "that pick out exactly one real training row (compared with unseen holdout rows).",
    "linkability": "Anonymeter linkability risk: excess share of real training rows whose two column halves "
                   "lead to the same synthetic row, so an attacker could join two data sets about them.",
    "inference": "Anonymeter attribute-inference risk: excess share of real training rows whose secret column "
                 "an attacker guesses from the closest synthetic row, knowing every other column.",
}


def _prepare(frames: Sequence[pd.DataFrame], columns: Sequence[str], specs: Specs | None) -> list[pd.DataFrame]:
    """Same columns and dtypes everywhere: numbers as floats (NaN for missing/special), categories as strings."""
    spec_map = as_specs(specs or {})
    out: list[dict[str, Any]] = [{} for _ in frames]
    for col in columns:
        spec = spec_map.get(col)
        numeric = spec.kind == "numeric" if spec else all(pd.api.types.is_numeric_dtype(f[col]) for f in frames)
        for target, frame in zip(out, frames, strict=True):
            if numeric:
                target[col] = split_numeric(frame[col], spec)[0]
            else:
                target[col] = as_category_str(frame[col]).fillna(MISSING).to_numpy(dtype=object)
    return [pd.DataFrame(o, columns=list(columns)).reset_index(drop=True) for o in out]


def _risk(evaluator: Any, name: str, n_attacks: int) -> dict[str, Any]:
    risk = evaluator.risk(confidence_level=CONFIDENCE)
    results = evaluator.results(confidence_level=CONFIDENCE)
    return {"name": name, "value": float(risk.value), "ci": [float(risk.ci[0]), float(risk.ci[1])],
            "attack_rate": float(results.attack_rate.value), "control_rate":
            None if results.control_rate is None else float(results.control_rate.value),
            "baseline_rate": float(results.baseline_rate.value), "n_attacks": n_attacks,
            "definition": DEFINITIONS[name], "note": None}


def _failed(name: str, exc: BaseException) -> dict[str, Any]:
    return {"name": name, "value": None, "ci": None, "definition": DEFINITIONS[name],
            "note": f"The {name.replace('_', '-')} attack could not run ({type(exc).__name__}: {exc})."}


def anonymeter_risks(train_real: pd.DataFrame, holdout_real: pd.DataFrame, synth: pd.DataFrame,
                     columns: Sequence[str], secret: str | None = None, specs: Specs | None = None,
                     n_attacks: int = N_ATTACKS, seed: int = 0,
                     attacks: Sequence[str] = ("singling_out", "linkability", "inference")) -> list[dict[str, Any]]:
    """Run anonymeter's three attacks with the holdout as control (see the module docstring).

    Args:
        train_real: Real rows the generator was fitted on.
        holdout_real: Real rows it never saw (the control set).
        synth: Synthetic rows.
        columns: Modelled columns shared by all three tables.
        secret: Column the inference attack guesses (default: the last of ``columns``).
        specs: Public specs (decide numeric versus categorical); optional.
        n_attacks: Attacks per evaluator (capped by the smaller real table).
        seed: Seed of the row samples and of the singling-out queries.
        attacks: Which attacks to run.

    Returns:
        One dict per attack: ``name``, ``value`` (risk in [0, 1], lower is better), ``ci`` (``[low, high]``
        at 95 %), the raw ``attack_rate`` / ``control_rate`` / ``baseline_rate``, ``n_attacks``,
        ``definition`` and ``note`` (why the value is ``None`` when an attack failed).
    """
    from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator, SinglingOutEvaluator

    columns = list(columns)
    n = int(min(n_attacks, len(train_real), len(holdout_real)))
    if n < 10 or len(columns) < 2:
        reason = RuntimeError(f"needs 2+ columns and 10+ rows in each real table (got {len(columns)} columns, "
                              f"{n} usable rows)")
        return [_failed(name, reason) for name in attacks]
    rng = np.random.default_rng(seed)
    ori = train_real.iloc[np.sort(rng.choice(len(train_real), min(len(train_real), len(holdout_real)),
                                             replace=False))]
    ori, control, syn = _prepare([ori, holdout_real, synth], columns, specs)
    secret = secret if secret in columns else columns[-1]
    found = []
    for name in attacks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                np.random.seed(seed)  # anonymeter samples rows with pandas' global generator
                if name == "singling_out":
                    evaluator = SinglingOutEvaluator(ori=ori, syn=syn, control=control, n_attacks=n, seed=seed,
                                                     max_attempts=20 * n).evaluate(mode="univariate")
                elif name == "linkability":
                    half = len(columns) // 2
                    aux = ([c for c in columns[:half]], [c for c in columns[half:]])
                    evaluator = LinkabilityEvaluator(ori=ori, syn=syn, control=control, aux_cols=aux,
                                                     n_attacks=n, n_neighbors=1).evaluate(n_jobs=1)
                else:
                    aux = [c for c in columns if c != secret]
                    regression = bool(pd.api.types.is_float_dtype(ori[secret]) and ori[secret].nunique() > 15)
                    evaluator = InferenceEvaluator(ori=ori, syn=syn, control=control, aux_cols=aux, secret=secret,
                                                   regression=regression, n_attacks=n).evaluate(n_jobs=1)
                found.append(_risk(evaluator, name, n))
                if name == "inference":
                    found[-1]["secret"] = secret
        except Exception as exc:  # anonymeter is a third-party attack: report, never crash the run
            found.append(_failed(name, exc))
    return found
