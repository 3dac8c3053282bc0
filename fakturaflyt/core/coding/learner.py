"""The online learner for one coding target (account, VAT code, department or project).

How it works (a learned mixture of back-off experts, trained test-then-learn):

* **Evidence tables.** For every evidence key of a line (see :mod:`.features`: the supplier,
  supplier + buyer, supplier + exact amount, the chain, the words, ...) the learner keeps how
  lines with that key were coded: a recency-weighted weight per label (half-life
  :attr:`TargetLearner.half_life_days`, so after a re-organisation the new coding wins within
  days), the plain count, the latest label and its run (how many times in a row). Updating is
  O(1) per key: weights grow as ``2**(t/half_life)`` instead of decaying everything else.
* **Candidates.** The labels seen under the line's keys, the rules' labels and the most
  common labels overall.
* **Scoring.** Each candidate gets features per evidence kind and per amount of evidence
  (1, 2-3, 4-9, 10+ lines): its recency-weighted share under that key (linear and on a log
  scale) and, when it is the key's latest label, that label's run (once, twice, 3-5, 6+ times in
  a row: a run of corrections that breaks the old majority is how a re-organisation shows);
  plus rule and chart-name matches. A linear score over these features and a softmax over the
  candidates give a probability. The weights are learnt online with
  AdaGrad on the log loss after each confirmed line, so the learner finds out by itself which
  evidence to trust for this company (card holder for cost centres, supplier for accounts,
  ...). Nothing is tuned to one data set.
* **Calibration.** The top probability is mapped to a calibrated confidence by
  :class:`Calibrator` (binned, monotone, online), so 0.95 means right about 95 % of the time.
* **Reasons.** The features that contributed most to the winning label, with the evidence
  behind them (key, count, total, latest date).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fakturaflyt.core.coding.features import KINDS, MULTI_KINDS, PurchaseLine, evidence

#: Evidence amount buckets: 1, 2-3, 4-9, 10+ lines.
_BUCKETS = 4
_MAX_EXPONENT = 60.0
_TOP_PER_KEY = 4
_TOP_PRIOR = 3
_MAX_MULTI_KEYS = 24
_TOP_CACHED = 8
_RARE_WORD = 3
#: Evidence too general to propose labels of its own (it only scores the others' proposals).
_NOT_CANDIDATE_SOURCES = frozenset({"gram", "month", "weekday", "currency", "vat_rate"})
INIT_SINGLE = 1.5
INIT_MULTI = 0.6
INIT_LAST = (0.3, 0.8, 2.2, 2.2)


_LOG_FLOOR = math.log(0.02)
_LOG_SPAN = math.log(1.02) - _LOG_FLOOR


def _log_share(share: float) -> float:
    """A share on a log scale from 0 (none) to 1 (all): 1 % and 10 % differ as much as 10 % and 100 %."""
    return (math.log(share + 0.02) - _LOG_FLOOR) / _LOG_SPAN


def _run_bucket(run: int) -> int:
    """The latest label's run: once, twice, 3-5 or 6+ times in a row (a run that breaks the majority is news)."""
    return 0 if run <= 1 else 1 if run == 2 else 2 if run <= 5 else 3


def _bucket(n: int) -> int:
    return 0 if n <= 1 else 1 if n <= 3 else 2 if n <= 9 else 3


class KeyStats:
    """How lines with one evidence key were coded: recency-weighted weights, counts, the latest label."""

    __slots__ = ("_top", "counts", "last", "last_day", "n", "run", "t0", "total", "weights")

    def __init__(self, t0: float) -> None:
        self.weights: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.total = 0.0
        self.n = 0
        self.t0 = t0
        self.last = ""
        self.last_day = 0.0
        self.run = 0  # how many of the latest codings in a row had the latest label
        self._top: list[str] | None = None

    def add(self, label: str, day: float, half_life: float) -> None:
        exponent = (day - self.t0) / half_life
        if exponent > _MAX_EXPONENT:  # rescale to keep the growing weights in range
            scale = 2.0 ** (-exponent)
            self.weights = {k: v * scale for k, v in self.weights.items()}
            self.total *= scale
            self.t0 = day
            exponent = 0.0
        w = 2.0**exponent
        self.weights[label] = self.weights.get(label, 0.0) + w
        self.counts[label] = self.counts.get(label, 0) + 1
        self.total += w
        self.n += 1
        top = self._top
        if top is not None:
            # Only this label's weight grew: move it up in the cached top list.
            if label in top:
                top.sort(key=self.weights.__getitem__, reverse=True)
            elif len(top) < _TOP_CACHED or self.weights[label] > self.weights[top[-1]]:
                top.append(label)
                top.sort(key=self.weights.__getitem__, reverse=True)
                del top[_TOP_CACHED:]
        if day >= self.last_day:
            self.run = self.run + 1 if label == self.last else 1
            self.last = label
            self.last_day = day

    def share(self, label: str) -> float:
        return self.weights.get(label, 0.0) / self.total if self.total > 0 else 0.0

    def top(self, k: int) -> list[str]:
        if self._top is None:
            weights = self.weights
            self._top = sorted(weights, key=weights.__getitem__, reverse=True)[:_TOP_CACHED]
        return self._top[:k]


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence behind a suggestion."""

    kind: str  # an evidence kind (features.KINDS), "rule", "chart" or "prior"
    key: str  # the evidence key ("elkjøp norge", "lisens", the rule's pattern)
    label: str  # the label this evidence points to
    count: int  # lines with this key coded to the label
    total: int  # lines with this key
    weight: float  # its share of the score
    last_day: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "total": self.total,
            "weight": round(self.weight, 3),
            "last_date": self.last_day.isoformat() if self.last_day else None,
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The learner's best label for one target, its calibrated confidence, the raw probability and the reasons."""

    label: str
    confidence: float
    probability: float
    reasons: tuple[Reason, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.label,
            "confidence": round(self.confidence, 4),
            "probability": round(self.probability, 4),
            "reasons": [r.as_json() for r in self.reasons],
            "alternatives": [{"value": v, "probability": round(p, 4)} for v, p in self.alternatives],
        }


@dataclass(frozen=True, slots=True)
class Hint:
    """A label proposed from outside the history: a company rule or a chart-of-accounts name match."""

    label: str
    kind: str  # "rule" or "chart"
    key: str
    strength: float = 1.0  # 0-1, how well it matched


class Calibrator:
    """Maps raw top probabilities to observed accuracy: binned, made monotone (pool adjacent violators).

    Old observations fade (a memory of about 3,000 suggestions): the model gets better as it
    learns, and the curve must describe the model of today. The bins are finer near 1 (…, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998), where the touchless
    threshold lives. Each bin counts its hits with a prior of ``prior`` pseudo-observations at
    the raw probability, so a bin with little data trusts the model and a bin with much data
    trusts what was seen. The prior is skeptical (:attr:`skepticism`): a company with no history
    (a rule or a chart name alone) gets a modest confidence, never a touchless one.
    """

    edges = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998)
    bins = len(edges) + 1
    keep = 1.0 - 1.0 / 3000  # the calibration's memory: about the latest 3,000 suggestions
    skepticism = 0.6  # before a bin has data, its confidence is this share of the raw probability

    def __init__(self, prior: float = 8.0) -> None:
        self.prior = prior
        self.hits = [0.0] * self.bins
        self.seen = [0.0] * self.bins
        self.mass = [0.0] * self.bins  # sum of raw probabilities, for the prior
        self._curve: list[float] | None = None

    def _bin(self, p: float) -> int:
        return bisect.bisect_right(self.edges, p)

    def update(self, p: float, correct: bool) -> None:
        keep = self.keep
        if keep < 1.0:  # forget slowly, so the curve follows the model as it gets better
            self.hits = [v * keep for v in self.hits]
            self.seen = [v * keep for v in self.seen]
            self.mass = [v * keep for v in self.mass]
        b = self._bin(p)
        self.hits[b] += 1.0 if correct else 0.0
        self.seen[b] += 1.0
        self.mass[b] += p
        self._curve = None

    def curve(self) -> list[float]:
        if self._curve is None:
            blocks: list[list[float]] = []  # [value, weight, size]
            bounds = (0.0, *self.edges, 1.0)
            for b in range(self.bins):
                centre = (bounds[b] + bounds[b + 1]) / 2
                mean_p = self.mass[b] / self.seen[b] if self.seen[b] else centre
                weight = self.seen[b] + self.prior
                value = (self.hits[b] + self.prior * mean_p * self.skepticism) / weight
                blocks.append([value, weight, 1.0])
                while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
                    v2, w2, s2 = blocks.pop()
                    v1, w1, s1 = blocks.pop()
                    blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, s1 + s2])
            curve: list[float] = []
            for value, _, size in blocks:
                curve.extend([value] * int(size))
            self._curve = curve
        return self._curve

    def __call__(self, p: float) -> float:
        return min(0.999, max(0.0, self.curve()[self._bin(p)]))

    def state(self) -> dict[str, Any]:
        return {"hits": self.hits, "seen": self.seen, "mass": self.mass}

    def load(self, state: Mapping[str, Sequence[float]]) -> None:
        if len(state["hits"]) != self.bins:  # saved with other bins: start over
            return
        self.hits = [float(v) for v in state["hits"]]
        self.seen = [float(v) for v in state["seen"]]
        self.mass = [float(v) for v in state["mass"]]
        self._curve = None


def _feature_names() -> list[str]:
    names = ["bias_prior", "rule", "chart"]
    for kind in KINDS:
        for b in range(_BUCKETS):
            names.append(f"{kind}:share:{b}")
            names.append(f"{kind}:last:{b}")
            names.append(f"{kind}:log:{b}")
    return names


FEATURES = _feature_names()
_INDEX = {name: i for i, name in enumerate(FEATURES)}


def _initial_weights() -> list[float]:
    w = [0.0] * len(FEATURES)
    w[_INDEX["bias_prior"]] = 1.0
    w[_INDEX["rule"]] = 4.0
    w[_INDEX["chart"]] = 2.0
    for kind in KINDS:
        strength = INIT_MULTI if kind in MULTI_KINDS else INIT_SINGLE
        for b in range(_BUCKETS):
            w[_INDEX[f"{kind}:share:{b}"]] = strength * (1 + b) / 2
            w[_INDEX[f"{kind}:last:{b}"]] = INIT_LAST[b] if kind not in MULTI_KINDS else 0.3
            w[_INDEX[f"{kind}:log:{b}"]] = 0.0
    return w


@dataclass
class _Scored:
    label: str
    features: dict[int, float] = field(default_factory=dict)
    score: float = 0.0


class TargetLearner:
    """Online learner for one coding target of one company. See the module docstring."""

    half_life_days = 30.0
    learning_rate = 0.15

    def __init__(self, target: str) -> None:
        self.target = target
        self.tables: dict[str, dict[str, KeyStats]] = {kind: {} for kind in KINDS}
        self.prior = KeyStats(0.0)
        self.weights = _initial_weights()
        self.grad_sq = [1.0] * len(FEATURES)
        self.calibrator = Calibrator()
        self.clock = 0.0  # the latest day seen (date ordinal), for lines without a date
        self.learned = 0

    # -- evidence -----------------------------------------------------------------------------

    def _day(self, line: PurchaseLine) -> float:
        return float(line.date.toordinal()) if line.date else self.clock

    def _matched(self, line: PurchaseLine) -> list[tuple[str, str, KeyStats | None]]:
        """The line's evidence keys with what is known of each. Character n-grams are read for rare words only
        (seen fewer than :data:`_RARE_WORD` times): a known word speaks for itself, an unknown one by its parts."""
        found: list[tuple[str, str, KeyStats | None]] = []
        multi_seen: dict[str, int] = {}
        tables = self.tables
        word_known = False
        for kind, key in evidence(line):
            if kind == "gram" and word_known:
                continue
            if kind in MULTI_KINDS:
                multi_seen[kind] = multi_seen.get(kind, 0) + 1
                if multi_seen[kind] > _MAX_MULTI_KEYS:
                    continue
            stats = tables[kind].get(key)
            if kind == "word":
                word_known = stats is not None and stats.n >= _RARE_WORD
            found.append((kind, key, stats))
        return found

    def _score(
        self,
        matched: list[tuple[str, str, KeyStats | None]],
        hints: Sequence[Hint],
        day: float,
        extra: str | None = None,
    ) -> list[_Scored]:
        candidates: dict[str, _Scored] = {}

        def cand(label: str) -> _Scored:
            s = candidates.get(label)
            if s is None:
                s = candidates[label] = _Scored(label)
            return s

        for label in self.prior.top(_TOP_PRIOR):
            cand(label)
        for kind, _, stats in matched:
            if stats is not None and kind not in _NOT_CANDIDATE_SOURCES:
                for label in stats.top(_TOP_PER_KEY if kind not in MULTI_KINDS else 1):
                    cand(label)
        for hint in hints:
            cand(hint.label)
        if extra is not None:
            cand(extra)

        multi: dict[str, list[KeyStats]] = {}
        for kind, _, stats in matched:
            if stats is None:
                continue
            if kind in MULTI_KINDS:
                multi.setdefault(kind, []).append(stats)
                continue
            b = _bucket(stats.n)
            i_share = _INDEX[f"{kind}:share:{b}"]
            i_log = _INDEX[f"{kind}:log:{b}"]
            i_last = _INDEX[f"{kind}:last:{b}"]
            weights, total = stats.weights, stats.total
            if len(weights) < len(candidates):
                for label, w in weights.items():
                    s = candidates.get(label)
                    if s is not None:
                        s.features[i_share] = w / total
                        s.features[i_log] = _log_share(w / total)
            else:
                for s in candidates.values():
                    got = weights.get(s.label)
                    if got:
                        s.features[i_share] = got / total
                        s.features[i_log] = _log_share(got / total)
            last = candidates.get(stats.last)
            if last is not None:
                last.features[i_last] = 1.0
        for kind, stats_list in multi.items():
            b = _bucket(sum(st.n for st in stats_list))
            i_share = _INDEX[f"{kind}:share:{b}"]
            i_last = _INDEX[f"{kind}:last:{b}"]
            i_log = _INDEX[f"{kind}:log:{b}"]
            sums: dict[str, float] = {}
            lasts: dict[str, int] = {}
            for st in stats_list:
                total, weights = st.total, st.weights
                if len(weights) < len(candidates):
                    for label, w in weights.items():
                        if label in candidates:
                            sums[label] = sums.get(label, 0.0) + w / total
                else:
                    for label in candidates:
                        got = weights.get(label)
                        if got:
                            sums[label] = sums.get(label, 0.0) + got / total
                if st.last in candidates:
                    lasts[st.last] = lasts.get(st.last, 0) + 1
            n_keys = len(stats_list)
            for label, value in sums.items():
                candidates[label].features[i_share] = value / n_keys
                candidates[label].features[i_log] = _log_share(value / n_keys)
            for label, value in lasts.items():
                candidates[label].features[i_last] = value / n_keys
        i_prior, i_rule, i_chart = _INDEX["bias_prior"], _INDEX["rule"], _INDEX["chart"]
        for s in candidates.values():
            share = self.prior.share(s.label)
            if share:
                s.features[i_prior] = math.log(share) / 10 + 1.0
        for hint in hints:
            s = candidates[hint.label]
            i = i_rule if hint.kind == "rule" else i_chart
            s.features[i] = max(s.features.get(i, 0.0), hint.strength)
        coef = self.weights
        for s in candidates.values():
            s.score = sum(coef[i] * v for i, v in s.features.items())
        return sorted(candidates.values(), key=lambda s: s.score, reverse=True)

    @staticmethod
    def _softmax(scored: list[_Scored]) -> list[float]:
        if not scored:
            return []
        top = scored[0].score
        exps = [math.exp(s.score - top) for s in scored]
        z = sum(exps)
        return [e / z for e in exps]

    # -- public API ---------------------------------------------------------------------------

    def predict(self, line: PurchaseLine, hints: Sequence[Hint] = (), *, explain: bool = True) -> Suggestion | None:
        """The best label for the line, or None when there is nothing to go on (no history, no hint)."""
        matched = self._matched(line)
        scored = self._score(matched, hints, self._day(line))
        if not scored:
            return None
        probs = self._softmax(scored)
        best = scored[0]
        reasons = self._reasons(best, matched, hints) if explain else ()
        alternatives = tuple((s.label, p) for s, p in zip(scored[1:4], probs[1:4], strict=False))
        return Suggestion(best.label, self.calibrator(probs[0]), probs[0], reasons, alternatives)

    def learn(
        self,
        line: PurchaseLine,
        label: str,
        hints: Sequence[Hint] = (),
        *,
        train: bool = True,
        predicted: Suggestion | None = None,
    ) -> None:
        """Take one confirmed label: train the weights and the calibrator (when ``train``), then record the evidence.

        ``predicted`` is the suggestion made before the label was known, when the caller has it
        (saves scoring twice); it feeds the calibrator.
        """
        matched = self._matched(line)
        if train and (self.prior.n or hints):
            scored = self._score(matched, hints, self._day(line), extra=label)
            probs = self._softmax(scored)
            if predicted is None:
                top_label, top_p = scored[0].label, probs[0]
            else:
                top_label, top_p = predicted.label, predicted.probability
            self.calibrator.update(top_p, top_label == label)
            self._train(scored, probs, label)
        day = self._day(line)
        self.clock = max(self.clock, day)
        for kind, key, stats in matched:
            if stats is None:
                stats = self.tables[kind][key] = KeyStats(day)
            stats.add(label, day, self.half_life_days)
        self.prior.add(label, day, self.half_life_days)
        self.learned += 1

    def _train(self, scored: list[_Scored], probs: list[float], label: str) -> None:
        grad: dict[int, float] = {}
        for s, p in zip(scored, probs, strict=True):
            target = 1.0 if s.label == label else 0.0
            delta = p - target
            if abs(delta) < 1e-6:
                continue
            for i, v in s.features.items():
                grad[i] = grad.get(i, 0.0) + delta * v
        w, g2, rate = self.weights, self.grad_sq, self.learning_rate
        for i, g in grad.items():
            g2[i] += g * g
            w[i] -= rate * g / math.sqrt(g2[i])

    def _reasons(
        self, best: _Scored, matched: list[tuple[str, str, KeyStats | None]], hints: Sequence[Hint]
    ) -> tuple[Reason, ...]:
        reasons: list[Reason] = []
        for hint in hints:
            if hint.label == best.label:
                i = _INDEX["rule"] if hint.kind == "rule" else _INDEX["chart"]
                reasons.append(Reason(hint.kind, hint.key, hint.label, 0, 0, self.weights[i] * hint.strength))
        best_multi: dict[str, tuple[float, str, KeyStats]] = {}
        for kind, key, stats in matched:
            if stats is None or best.label not in stats.counts:
                continue
            if kind in MULTI_KINDS:
                support = stats.share(best.label) * math.log1p(stats.counts[best.label])
                if kind not in best_multi or support > best_multi[kind][0]:
                    best_multi[kind] = (support, key, stats)
                continue
            i = _INDEX[f"{kind}:share:{_bucket(stats.n)}"]
            reasons.append(self._reason(kind, key, stats, best.label, self.weights[i] * stats.share(best.label)))
        for kind, (_, key, stats) in best_multi.items():
            i = _INDEX[f"{kind}:share:{_bucket(stats.n)}"]
            reasons.append(self._reason(kind, key, stats, best.label, self.weights[i] * best.features.get(i, 0.0)))
        if not reasons and self.prior.n:
            reasons.append(self._reason("prior", "", self.prior, best.label, 0.0))
        reasons.sort(key=lambda r: r.weight, reverse=True)
        return tuple(_dedupe(reasons)[:3])

    @staticmethod
    def _reason(kind: str, key: str, stats: KeyStats, label: str, weight: float) -> Reason:
        last = date.fromordinal(int(stats.last_day)) if stats.last_day >= 1 else None
        return Reason(kind, key, label, stats.counts.get(label, 0), stats.n, weight, last)

    # -- persistence of what is expensive to relearn ------------------------------------------

    def state(self) -> dict[str, Any]:
        """The learnt weights and calibration (small); the evidence tables are rebuilt from the history."""
        return {
            "weights": {name: self.weights[i] for i, name in enumerate(FEATURES)},
            "grad_sq": {name: self.grad_sq[i] for i, name in enumerate(FEATURES)},
            "calibrator": self.calibrator.state(),
            "learned": self.learned,
        }

    def load(self, state: Mapping[str, Any]) -> None:
        for name, value in (state.get("weights") or {}).items():
            if name in _INDEX:
                self.weights[_INDEX[name]] = float(value)
        for name, value in (state.get("grad_sq") or {}).items():
            if name in _INDEX:
                self.grad_sq[_INDEX[name]] = float(value)
        if state.get("calibrator"):
            self.calibrator.load(state["calibrator"])


def _dedupe(reasons: Iterable[Reason]) -> list[Reason]:
    seen: set[tuple[str, str]] = set()
    out: list[Reason] = []
    for r in reasons:
        if (r.kind, r.key) not in seen:
            seen.add((r.kind, r.key))
            out.append(r)
    return out


__all__ = ["FEATURES", "Calibrator", "Hint", "KeyStats", "Reason", "Suggestion", "TargetLearner"]
