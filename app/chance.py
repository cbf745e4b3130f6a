"""Is a change more than chance? (issue 14: changes judged against normal variation)

Two counts of events over two spans (this span and the same span a year earlier, say) are compared
with the exact conditional test for two Poisson counts: if both spans had the same underlying rate,
then, given the total ``n = current + prior``, ``current`` follows a binomial distribution with
``p0 = current_span / (current_span + prior_span)`` (one half for spans of equal length). The
two-sided p-value sums the probabilities of every split no more likely than the one seen (as R's
``binom.test``), and the 95% interval of the rate ratio comes from the exact (Clopper–Pearson)
interval of the binomial proportion.

The verdict, in plain words:

* ``too_few``: the interval holds both a halving and a doubling (ratio 0.5 and 2), so the counts
  cannot tell a real change from chance (4 against 5, 3 against 0);
* ``unusual``: the p-value is under 0.05, so a change this large would rarely happen by chance
  alone (400 against 500);
* ``normal``: anything else, a change within normal variation (40 against 50).

A caveat written on the About page: counts of victims are not quite Poisson (one shooting can hurt
several people), so "unusual" is a prompt to look closer, not a proof.

Pure arithmetic (no SciPy here): the binomial tail is the regularized incomplete beta function,
computed by its continued fraction, so a test over tens of thousands of events costs microseconds;
the interval's ends are found by Newton's steps on it (the derivative is a binomial probability),
a handful of evaluations each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05
TOO_FEW_LOW, TOO_FEW_HIGH = 0.5, 2.0
TOO_FEW, UNUSUAL, NORMAL = "too_few", "unusual", "normal"


@dataclass(frozen=True)
class Judgement:
    verdict: str  # TOO_FEW, UNUSUAL or NORMAL
    p_value: float
    ratio: float | None  # current rate / prior rate (None when the prior count is 0)
    low: float  # 95% interval of the rate ratio
    high: float  # math.inf when the prior count is 0


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return betainc(n - k, k + 1, 1.0 - p)


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k)."""
    return 1.0 if k <= 0 else 1.0 - binom_cdf(k - 1, n, p) if k <= n else 0.0


def _log_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1.0:
        return 0.0 if k == n else -math.inf
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def two_sided_p(k: int, n: int, p: float) -> float:
    """The exact two-sided p-value of k successes in n: the probability of every outcome no more
    likely than k (R's ``binom.test``), found by bisection on each side of the mode."""
    if n == 0:
        return 1.0
    seen = _log_pmf(k, n, p) + 1e-7  # a relative tolerance, as R uses
    mode = min(n, max(0, int(math.floor((n + 1) * p))))
    if k == mode:
        return 1.0
    if k < mode:  # the other tail: the first j above the mode with pmf(j) <= pmf(k)
        lo, hi = mode, n + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if _log_pmf(mid, n, p) <= seen:
                hi = mid
            else:
                lo = mid + 1
        other = binom_sf(lo, n, p) if lo <= n else 0.0
        return min(1.0, binom_cdf(k, n, p) + other)
    lo, hi = -1, mode  # the last j below the mode with pmf(j) <= pmf(k)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _log_pmf(mid, n, p) <= seen:
            lo = mid
        else:
            hi = mid - 1
    other = binom_cdf(lo, n, p) if lo >= 0 else 0.0
    return min(1.0, binom_sf(k, n, p) + other)


def _tail_slope(j: int, n: int, p: float) -> float:
    """d/dp of P(X >= j) for X ~ Binomial(n, p), 1 <= j <= n: n times the Binomial(n - 1, p)
    probability of j - 1."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return math.exp(math.log(n) + math.lgamma(n) - math.lgamma(j) - math.lgamma(n - j + 1)
                    + (j - 1) * math.log(p) + (n - j) * math.log1p(-p))


def _solve(f, slope, target: float, guess: float) -> float:
    """p in [0, 1] where the increasing function f(p) crosses target. Newton's steps from ``guess``
    (``slope`` is f's derivative), each kept inside the bracket the values seen so far leave (a
    bisection step when Newton's would leave it): a handful of evaluations of f, where bisection
    alone took 60, to the same root (within the rounding of f)."""
    lo, hi = 0.0, 1.0
    x = min(max(guess, 1e-300), 1.0 - 1e-16)
    for _ in range(200):
        g = f(x) - target
        if g == 0.0:
            return x
        if g < 0:
            lo = x
        else:
            hi = x
        d = slope(x)
        nxt = x - g / d if d > 0.0 else -1.0
        if lo <= nxt <= hi and abs(nxt - x) <= 1e-10 * nxt:
            return nxt  # Newton converges quadratically: this step leaves an error near 1e-20 of p
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2
        if hi - lo <= 1e-18:
            return nxt
        x = nxt
    return x


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval: a close first guess at the exact interval's ends."""
    z2 = z * z
    centre = (k + z2 / 2) / (n + z2)
    half = z * math.sqrt(k * (n - k) / n + z2 / 4) / (n + z2)
    return centre - half, centre + half


def proportion_interval(k: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """The exact (Clopper–Pearson) interval of a binomial proportion."""
    g_low, g_high = _wilson(k, n)
    low = 0.0 if k == 0 else _solve(lambda p: binom_sf(k, n, p), lambda p: _tail_slope(k, n, p),
                                    alpha / 2, g_low)
    high = 1.0 if k == n else _solve(lambda p: 1.0 - binom_cdf(k, n, p), lambda p: _tail_slope(k + 1, n, p),
                                     1.0 - alpha / 2, g_high)
    return low, high


def judge(current: int, prior: int, current_span: float = 1.0, prior_span: float = 1.0) -> Judgement:
    """Whether ``current`` events against ``prior`` (over spans of the given lengths, days say) is a
    change within normal variation, an unusual one, or too few events to tell."""
    if current < 0 or prior < 0 or current_span <= 0 or prior_span <= 0:
        raise ValueError("counts must be zero or more and spans positive")
    n = current + prior
    if n == 0:
        return Judgement(TOO_FEW, 1.0, None, 0.0, math.inf)
    share = current_span / (current_span + prior_span)
    p_value = two_sided_p(current, n, share)
    lo_p, hi_p = proportion_interval(current, n)
    scale = prior_span / current_span

    def ratio_of(p: float) -> float:
        return math.inf if p >= 1.0 else p / (1.0 - p) * scale

    low, high = ratio_of(lo_p), ratio_of(hi_p)
    ratio = None if prior == 0 else (current / current_span) / (prior / prior_span)
    if low <= TOO_FEW_LOW and high >= TOO_FEW_HIGH:
        verdict = TOO_FEW
    elif p_value < ALPHA:
        verdict = UNUSUAL
    else:
        verdict = NORMAL
    return Judgement(verdict, p_value, ratio, low, high)


__all__ = ["Judgement", "judge", "two_sided_p", "proportion_interval", "betainc", "TOO_FEW", "UNUSUAL", "NORMAL"]
