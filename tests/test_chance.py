"""The change test (app/chance.py) on known cases, and its p-values against a brute-force sum of
binomial probabilities (an independent computation)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.chance import NORMAL, TOO_FEW, UNUSUAL, judge, proportion_interval, two_sided_p


def brute_p(k: int, n: int, p: float) -> float:
    pmf = [math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(n + 1)]
    return min(1.0, sum(x for x in pmf if x <= pmf[k] * (1 + 1e-7)))


@pytest.mark.parametrize("current, prior, verdict", [
    (5, 4, TOO_FEW),  # the example: 4 -> 5 is too few to tell
    (4, 5, TOO_FEW),
    (3, 0, TOO_FEW),
    (0, 0, TOO_FEW),
    (500, 400, UNUSUAL),  # 400 -> 500 is unusual
    (400, 500, UNUSUAL),
    (50, 40, NORMAL),  # the same 25% on 40 -> 50 is within normal variation
    (1000, 1000, NORMAL),
])
def test_known_cases(current, prior, verdict):
    assert judge(current, prior).verdict == verdict


def test_known_values_from_r():
    # binom.test(10, 30)$p.value, binom.test(2, 10)$conf.int in R
    assert two_sided_p(10, 30, 0.5) == pytest.approx(0.098737, abs=1e-6)
    low, high = proportion_interval(2, 10)
    assert (low, high) == (pytest.approx(0.0252107, abs=1e-6), pytest.approx(0.5560955, abs=1e-6))
    j = judge(500, 400)
    assert j.ratio == pytest.approx(1.25) and j.low < 1.25 < j.high and j.low > 1


def test_spans_of_different_lengths():
    # 60 events in 30 days against 60 in 60 days is a doubling of the rate
    j = judge(60, 60, current_span=30, prior_span=60)
    assert j.ratio == pytest.approx(2.0) and j.verdict == UNUSUAL
    assert judge(30, 60, current_span=30, prior_span=60).verdict == NORMAL  # the same rate


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.sampled_from([0.5, 0.3, 0.75]))
def test_p_value_equals_the_brute_force_sum(a, b, share):
    n = a + b
    if n == 0:
        return
    assert two_sided_p(a, n, share) == pytest.approx(brute_p(a, n, share), abs=1e-9)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        judge(-1, 3)
    with pytest.raises(ValueError):
        judge(1, 3, current_span=0)


# --- the interval's root finder (Newton's steps, issue 15) against the bisection it replaced -------

def bisect_interval(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """``proportion_interval`` as it was computed before issue 15: 60 halvings of [0, 1] for each end."""
    from app.chance import binom_cdf, binom_sf

    def solve(f, target):
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if f(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if k == 0 else solve(lambda p: binom_sf(k, n, p), alpha / 2)
    high = 1.0 if k == n else solve(lambda p: 1.0 - binom_cdf(k, n, p), 1.0 - alpha / 2)
    return low, high


def _large_cases() -> list[tuple[int, int]]:
    import random

    rng = random.Random(15)
    out = []
    for _ in range(40):
        n = rng.choice([rng.randint(30, 1000), rng.randint(1000, 60_000)])
        out += [(rng.randint(0, n), n), (rng.choice([1, 2, n - 1, n // 2, n // 3]), n)]
    return out


@pytest.mark.parametrize("k, n", [(k, n) for n in range(1, 21) for k in range(n + 1)] + _large_cases())
def test_interval_equals_the_bisection_it_replaced(k, n):
    new, old = proportion_interval(k, n), bisect_interval(k, n)
    assert new == pytest.approx(old, abs=1e-12, rel=0)


def test_judgements_equal_the_bisections_to_1e_12():
    """Every judgement of small counts (and a few large) is today's: the same verdict and p-value, and
    the rate ratio's interval within a relative 1e-12 of the bisection's."""
    from app import chance

    cases = [(c, p) for c in range(0, 16) for p in range(0, 16)] + [(500, 400), (1234, 1301), (41, 59)]
    for spans in ((1.0, 1.0), (30.0, 60.0), (365.0, 366.0)):
        for c, p in cases:
            got = judge(c, p, *spans)
            real = chance.proportion_interval
            try:
                chance.proportion_interval = bisect_interval
                want = judge(c, p, *spans)
            finally:
                chance.proportion_interval = real
            assert (got.verdict, got.p_value, got.ratio) == (want.verdict, want.p_value, want.ratio)
            assert got.low == pytest.approx(want.low, rel=1e-12, abs=0)
            assert got.high == pytest.approx(want.high, rel=1e-12, abs=0) or got.high == want.high == math.inf
