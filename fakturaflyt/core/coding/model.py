"""A company's coding model: one :class:`~.learner.TargetLearner` per target, with its rules.

>>> model = CodingModel(chart={"6553": "Programvare lisenser og vedlikehold", "6800": "Kontorrekvisita"})
>>> line = PurchaseLine(supplier_id="911111111", supplier_name="Elkjøp Norge AS", description="Lisens Office")
>>> model.suggest(line)["account"].label
'6553'
>>> model.learn(line, {"account": "6551", "vat_code": "1"})
>>> model.learn(line, {"account": "6551", "vat_code": "1"})
>>> model.suggest(line)["account"].label
'6551'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.learner import Suggestion, TargetLearner
from fakturaflyt.core.coding.rules import TARGETS, CodingRule, HintSource


class CodingModel:
    """Suggests and learns account, VAT code, department and project for one company's purchase lines.

    Labels are strings; the empty string is a label too ("no department"), so a company that
    codes departments on some suppliers only learns when to leave it empty.
    """

    def __init__(
        self,
        rules: Sequence[CodingRule] = (),
        chart: Mapping[str, str] | None = None,
        targets: Sequence[str] = TARGETS,
    ) -> None:
        self.targets = tuple(targets)
        self.learners = {t: TargetLearner(t) for t in self.targets}
        self.hint_source = HintSource(rules, chart)

    def set_rules(self, rules: Sequence[CodingRule], chart: Mapping[str, str] | None = None) -> None:
        self.hint_source = HintSource(rules, self.hint_source.chart if chart is None else chart)

    def suggest(self, line: PurchaseLine, *, explain: bool = True) -> dict[str, Suggestion]:
        """The suggestion per target; a target with nothing to go on (no history, no rule) is left out."""
        result: dict[str, Suggestion] = {}
        for target, learner in self.learners.items():
            suggestion = learner.predict(line, self.hint_source.hints(line, target), explain=explain)
            if suggestion is not None:
                result[target] = suggestion
        return result

    def learn(
        self,
        line: PurchaseLine,
        coding: Mapping[str, str],
        *,
        train: bool = True,
        predicted: Mapping[str, Suggestion] | None = None,
    ) -> None:
        """Learn the confirmed coding of one line. Targets missing from ``coding`` are not learnt."""
        for target, learner in self.learners.items():
            if target not in coding:
                continue
            learner.learn(
                line,
                str(coding[target] or ""),
                self.hint_source.hints(line, target),
                train=train,
                predicted=(predicted or {}).get(target),
            )

    def observe(self, line: PurchaseLine, coding: Mapping[str, str]) -> None:
        """Record the evidence of a coded line without training the weights (a fast replay of history)."""
        self.learn(line, coding, train=False)

    @property
    def learned(self) -> int:
        return max((learner.learned for learner in self.learners.values()), default=0)

    def state(self) -> dict[str, Any]:
        """The learnt weights and calibration per target (small, JSON); the evidence comes from the history."""
        return {target: learner.state() for target, learner in self.learners.items()}

    def load(self, state: Mapping[str, Any]) -> None:
        for target, learner in self.learners.items():
            if target in state:
                learner.load(state[target])


__all__ = ["TARGETS", "CodingModel"]
