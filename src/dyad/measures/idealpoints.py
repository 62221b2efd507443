"""UN General Assembly ideal points: a dynamic ordinal item-response model fitted by EM.

Each roll call ``j`` has an intercept ``alpha_j``, a discrimination ``beta_j`` and an abstention width
``tau_j > 0``; each country ``c`` has one ideal point ``x_ct`` per session ``t``. The latent utility of a yes is
``y* = alpha_j + beta_j x_ct + e`` with ``e ~ N(0, 1)``: ``no`` when ``y* < 0``, ``abstain`` when
``0 <= y* < tau_j``, ``yes`` when ``y* >= tau_j`` (an ordered probit per roll call, as in Bailey, Strezhnev and
Voeten 2017). Sessions are bridged by a random-walk prior ``x_ct ~ N(x_c,t-g, g * evolution)`` (``g`` the
sessions since the country's last vote; Martin and Quinn 2002), and the first session of each country has
``x ~ N(0, 1)``; roll calls get ``alpha, beta ~ N(0, 25)``.

The fit is EM in the manner of Imai, Lo and Olmsted (2016): the E-step replaces each vote by the mean of its
truncated-normal latent utility; the M-step solves one 2x2 ridge regression per roll call and one tridiagonal
system per country (the random walk), both closed form; ``tau_j`` takes a Newton step on the observed-data
likelihood (ECME). Intervals are the Laplace approximation of each country's posterior given the roll-call
parameters; identification: the USA's mean ideal point is positive. Method, references, limits:
docs/methods/idealpoints.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, special

from dyad.indicators import Indicator, register

CATEGORIES = {"no": 0, "abstain": 1, "yes": 2}
ANCHOR = "USA"
FIRST_SESSION_YEAR = 1945      # session s opened in September of 1945 + s
ITEM_PRIOR_VAR = 25.0
TAU_BOUNDS = (1e-3, 8.0)
THIN_VOTES = 10                # fewer votes cast in a session: quality 'thin'
_SQRT2PI = np.sqrt(2.0 * np.pi)
_SQRT2 = np.sqrt(2.0)
_SQRT2_PI = np.sqrt(2.0 / np.pi)


@dataclass(frozen=True)
class Votes:
    """Votes cast (yes / abstain / no) as index arrays: roll call ``item``, country-session ``state``, ``y``."""

    item: np.ndarray           # index into rcids
    state: np.ndarray          # index into countries/sessions
    y: np.ndarray              # 0 no, 1 abstain, 2 yes
    rcids: np.ndarray
    item_session: np.ndarray
    countries: np.ndarray      # per state
    sessions: np.ndarray       # per state, sorted by country then session
    cuts: tuple[int, int] = (0, 0)   # votes are sorted by y: no [:cuts[0]], abstain, yes [cuts[1]:]
    cast: np.ndarray | None = None   # per state: votes cast, unanimous roll calls included

    @property
    def n_items(self) -> int:
        return len(self.rcids)

    @property
    def n_states(self) -> int:
        return len(self.countries)


def votes_from_frame(frame: pd.DataFrame, min_minority: int = 1) -> Votes:
    """Index arrays from rows ``rcid, session, country, vote``; absences and non-members are not votes.

    Roll calls on which fewer than ``min_minority`` countries cast a vote other than the most common one
    carry no information on positions and are left out.
    """
    f = frame[frame["vote"].isin(list(CATEGORIES))]
    f = f.assign(y=f["vote"].map(CATEGORIES).astype(np.int8))
    counts = f.groupby(["rcid", "y"]).size().unstack(fill_value=0)
    keep = counts.index[(counts.sum(axis=1) - counts.max(axis=1)) >= min_minority]
    cast_all = f.groupby(["country", "session"]).size()
    f = f[f["rcid"].isin(keep)]
    states = f[["country", "session"]].drop_duplicates().sort_values(["country", "session"]).reset_index(drop=True)
    cast = cast_all.reindex(pd.MultiIndex.from_frame(states)).to_numpy()
    state_id = pd.MultiIndex.from_frame(states).get_indexer(pd.MultiIndex.from_frame(f[["country", "session"]]))
    rcids, item = np.unique(f["rcid"].to_numpy(), return_inverse=True)
    item_session = f.groupby("rcid")["session"].first().reindex(rcids).to_numpy()
    y = f["y"].to_numpy()
    order = np.argsort(y, kind="stable")
    y = y[order]
    cuts = (int(np.searchsorted(y, 1)), int(np.searchsorted(y, 2)))
    return Votes(item=item.astype(np.int64)[order], state=state_id.astype(np.int64)[order], y=y,
                 rcids=rcids, item_session=item_session, countries=states["country"].to_numpy(),
                 sessions=states["session"].to_numpy().astype(int), cuts=cuts, cast=cast)


def load_votes(store, start_session: int | None = None, end_session: int | None = None) -> Votes:
    """All votes cast in the loaded UN roll calls (canonical tables ``votes`` and ``rollcalls``)."""
    if not (store.has_table("votes") and store.has_table("rollcalls")):
        raise ValueError("no UN votes loaded: run `dyad ingest unvotes --from DIR` first")
    frame = store.sql(
        "SELECT v.rcid, r.session, v.country, v.vote FROM votes v JOIN rollcalls r USING (rcid) "
        "WHERE v.vote IN ('yes', 'abstain', 'no') AND r.session IS NOT NULL "
        "AND (? IS NULL OR r.session >= ?) AND (? IS NULL OR r.session <= ?)",
        [start_session, start_session, end_session, end_session])
    if frame.empty:
        raise ValueError("no votes cast in the loaded UN roll calls for these sessions")
    return votes_from_frame(frame)


# ------------------------------------------------------------------------------------------ maths


def _phi(z):
    return np.exp(-0.5 * z * z) / _SQRT2PI


def _mills(z):
    """phi(z) / Phi(z), stable in both tails (through the scaled complementary error function)."""
    return _SQRT2_PI / special.erfcx(-z / _SQRT2)


def _interval_prob(a, b):
    """Phi(b) - Phi(a) for a < b, computed in the tail where it does not cancel."""
    upper = a > 0
    return np.where(upper, special.ndtr(-a) - special.ndtr(-b), special.ndtr(b) - special.ndtr(a))


def _latent(eta, tau_v, cuts):
    """E-step on votes sorted no | abstain | yes (``cuts`` the two boundaries).

    Returns the mean of each vote's truncated-normal latent utility, the observed information in eta, and
    per vote the first and second derivatives of the log likelihood in tau (for the ECM step on tau).
    """
    n0, n1 = cuts
    mean, info = np.empty_like(eta), np.empty_like(eta)
    dtau, d2tau = np.zeros_like(eta), np.zeros_like(eta)
    e = eta[:n0]                                     # no: y* < 0
    lam = _mills(-e)
    mean[:n0] = e - lam
    info[:n0] = lam * (lam - e)
    e, t = eta[n1:], tau_v[n1:]                      # yes: y* >= tau
    w = e - t
    lam = _mills(w)
    mean[n1:] = e + lam
    info[n1:] = lam * (lam + w)
    dtau[n1:] = -lam
    d2tau[n1:] = -lam * (w + lam)
    e, t = eta[n0:n1], tau_v[n0:n1]                  # abstain: 0 <= y* < tau
    a, b = -e, t - e
    p = np.maximum(_interval_prob(a, b), 1e-300)
    pa, pb = _phi(a), _phi(b)
    g = (pa - pb) / p
    mean[n0:n1] = np.clip(e + g, 0.0, t)
    info[n0:n1] = g * g - (a * pa - b * pb) / p
    r = pb / p
    dtau[n0:n1] = r
    d2tau[n0:n1] = -b * r - r * r
    return mean, np.clip(info, 1e-9, 1.0), dtau, d2tau


def loglik(eta, tau_v, cuts) -> float:
    """Observed-data log likelihood of the ordered probit (votes sorted no | abstain | yes)."""
    n0, n1 = cuts
    ab = _interval_prob(-eta[n0:n1], tau_v[n0:n1] - eta[n0:n1])
    return float(special.log_ndtr(-eta[:n0]).sum() + np.log(np.maximum(ab, 1e-300)).sum()
                 + special.log_ndtr(eta[n1:] - tau_v[n1:]).sum())


def _tau_step(item, tau, dtau, d2tau):
    """One safeguarded Newton step per roll call on the abstention width (the likelihood is concave in it)."""
    n = len(tau)
    grad, hess = np.bincount(item, dtau, n), np.bincount(item, d2tau, n)
    step = np.where(hess < -1e-12, -grad / np.minimum(hess, -1e-12), np.sign(grad) * 0.5)
    return np.clip(tau + np.clip(step, -0.5, 0.5), *TAU_BOUNDS)


def _chain(votes: Votes):
    """Where each country's chain of states starts, and the random-walk gap to the previous state."""
    first = np.ones(votes.n_states, dtype=bool)
    first[1:] = votes.countries[1:] != votes.countries[:-1]
    gap = np.zeros(votes.n_states)
    gap[1:] = votes.sessions[1:] - votes.sessions[:-1]
    gap[first] = 0
    return first, gap


def _prior_bands(votes: Votes, evolution: float):
    """Tridiagonal precision of the random-walk prior over all states (block-diagonal by country)."""
    first, gap = _chain(votes)
    link = np.zeros(votes.n_states)             # precision of the link state i-1 -> i
    link[~first] = 1.0 / (gap[~first] * evolution)
    diag = np.where(first, 1.0, 0.0) + link
    diag[:-1] += link[1:]
    off = -link[1:]                             # (i-1, i) entries
    return diag, off


def _solve_states(diag, off, rhs):
    ab = np.zeros((3, len(diag)))
    ab[0, 1:] = off
    ab[1] = diag
    ab[2, :-1] = off
    return linalg.solve_banded((1, 1), ab, rhs, check_finite=False)


def _tridiag_inverse_diag(diag, off):
    """Diagonal of the inverse of a symmetric tridiagonal positive-definite matrix (two sweeps)."""
    n = len(diag)
    # forward: D_i = diag_i - off_{i-1}^2 / D_{i-1}; backward: E_i = diag_i - off_i^2 / E_{i+1}
    fwd = np.empty(n)
    bwd = np.empty(n)
    fwd[0] = diag[0]
    for i in range(1, n):
        fwd[i] = diag[i] - off[i - 1] ** 2 / fwd[i - 1]
    bwd[-1] = diag[-1]
    for i in range(n - 2, -1, -1):
        bwd[i] = diag[i] - off[i] ** 2 / bwd[i + 1]
    return 1.0 / (fwd + bwd - diag)


def session_pc1(votes: Votes) -> np.ndarray:
    """Start values: first principal component of each session's vote matrix (yes 1, abstain 0.5, no 0)."""
    x = np.zeros(votes.n_states)
    prev: pd.Series | None = None
    state_sess = votes.sessions[votes.state]
    for s in np.unique(votes.sessions):
        sel = state_sess == s
        st, items = np.unique(votes.state[sel], return_inverse=True)
        it, cols = np.unique(votes.item[sel], return_inverse=True)
        m = np.full((len(st), len(it)), np.nan)
        m[items, cols] = votes.y[sel] / 2.0
        m = np.where(np.isnan(m), np.nanmean(m, axis=0), m) - np.nanmean(m, axis=0)
        u = np.linalg.svd(m, full_matrices=False)[0][:, 0] if min(m.shape) > 1 else np.zeros(len(st))
        u = (u - u.mean()) / (u.std() or 1.0)
        cur = pd.Series(u, index=votes.countries[st])
        if ANCHOR in cur.index:
            sign = np.sign(cur[ANCHOR]) or 1.0
        elif prev is not None:
            common = cur.index.intersection(prev.index)
            sign = np.sign(np.dot(cur[common], prev[common])) or 1.0
        else:
            sign = 1.0
        x[st] = sign * u
        prev = cur * sign
    return x


# ------------------------------------------------------------------------------------------ fit


@dataclass(frozen=True)
class IdealPoints:
    """A fitted model: one row per country and session, one per roll call, and how the fit went."""

    points: pd.DataFrame = field(repr=False)      # country, session, year, value, se, n
    items: pd.DataFrame = field(repr=False)       # rcid, session, alpha, beta, tau
    iterations: int = 0
    converged: bool = False
    loglik: float = float("nan")
    seconds: float = float("nan")
    evolution: float = 0.1

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy rows: a = country, period = session, indicator = un_idealpoint, value, n, ci_low, ci_high."""
        z = special.ndtri(0.5 + level / 2.0)
        p = self.points
        return pd.DataFrame({
            "a": p["country"], "b": "", "period": p["session"].astype(str), "indicator": "un_idealpoint",
            "value": p["value"], "n": p["n"], "ci_low": p["value"] - z * p["se"], "ci_high": p["value"] + z * p["se"],
            "year": p["year"], "se": p["se"], "quality": np.where(p["n"] < THIN_VOTES, "thin", "ok")})


def fit(votes: Votes, evolution: float = 0.1, tol: float = 1e-6, max_iter: int = 1000,
        start: np.ndarray | None = None) -> IdealPoints:
    """EM fit of the dynamic ordinal model (see the module docstring). ``tol``: stop when
    1 - cor(x_old, x_new) < tol, the rule of Imai, Lo and Olmsted (2016)."""
    if evolution <= 0:
        raise ValueError("evolution (the random-walk variance per session) must be positive")
    t0 = time.perf_counter()
    J, S = votes.n_items, votes.n_states
    item, state = votes.item, votes.state
    x = session_pc1(votes) if start is None else np.asarray(start, dtype=float).copy()
    alpha, beta, tau = np.zeros(J), np.zeros(J), np.full(J, 0.5)
    pdiag, poff = _prior_bands(votes, evolution)
    n_item = np.bincount(item, minlength=J).astype(float)
    converged, iterations = False, 0
    for it in range(1, max_iter + 1):
        iterations = it
        eta = alpha[item] + beta[item] * x[state]
        ystar, _, dtau, d2tau = _latent(eta, tau[item], votes.cuts)
        tau = _tau_step(item, tau, dtau, d2tau)
        # items: ridge regression of y* on (1, x) per roll call
        xs = x[state]
        sx = np.bincount(item, xs, J)
        sxx = np.bincount(item, xs * xs, J) + 1.0 / ITEM_PRIOR_VAR
        sy = np.bincount(item, ystar, J)
        sxy = np.bincount(item, xs * ystar, J)
        s1 = n_item + 1.0 / ITEM_PRIOR_VAR
        det = s1 * sxx - sx * sx
        alpha = (sxx * sy - sx * sxy) / det
        beta = (s1 * sxy - sx * sy) / det
        # states: the random walk's tridiagonal system
        b = beta[item]
        diag = pdiag + np.bincount(state, b * b, S)
        rhs = np.bincount(state, b * (ystar - alpha[item]), S)
        x_new = _solve_states(diag, poff, rhs)
        change = 1.0 - np.corrcoef(x, x_new)[0, 1]
        x = x_new
        if change < tol:
            converged = True
            break
    eta = alpha[item] + beta[item] * x[state]
    _, info, _, _ = _latent(eta, tau[item], votes.cuts)
    b = beta[item]
    se = np.sqrt(_tridiag_inverse_diag(pdiag + np.bincount(state, b * b * info, S), poff))
    if _anchor_sign(votes, x) < 0:
        x, beta = -x, -beta
    points = pd.DataFrame({"country": votes.countries, "session": votes.sessions,
                           "year": votes.sessions + FIRST_SESSION_YEAR, "value": x, "se": se,
                           "n": votes.cast if votes.cast is not None else np.bincount(state, minlength=S),
                           "n_fitted": np.bincount(state, minlength=S)})
    items = pd.DataFrame({"rcid": votes.rcids, "session": votes.item_session, "alpha": alpha, "beta": beta,
                          "tau": tau, "n": n_item.astype(int)})
    return IdealPoints(points, items, iterations, converged, loglik(eta, tau[item], votes.cuts), time.perf_counter() - t0,
                       evolution)


def _resorted(votes: Votes, y: np.ndarray) -> Votes:
    order = np.argsort(y, kind="stable")
    y = y[order]
    cuts = (int(np.searchsorted(y, 1)), int(np.searchsorted(y, 2)))
    return Votes(votes.item[order], votes.state[order], y, votes.rcids, votes.item_session, votes.countries,
                 votes.sessions, cuts, votes.cast)


def bootstrap(votes: Votes, fitted: IdealPoints, reps: int = 20, level: float = 0.95,
              seed: int = 2017) -> pd.DataFrame:
    """Parametric bootstrap: ``reps`` vote sets drawn from the fitted model, each refitted from its own start values (a warm start would stop near the fit).

    Returns the fitted points with ``boot_se``, ``boot_low`` and ``boot_high`` (percentile interval). Unlike the
    Laplace intervals these include the uncertainty of the roll-call parameters.
    """
    if reps < 2:
        raise ValueError("a bootstrap needs at least 2 replicates")
    rng = np.random.default_rng(seed)
    items = fitted.items.set_index("rcid").reindex(votes.rcids)
    alpha, beta, tau = (items[c].to_numpy() for c in ("alpha", "beta", "tau"))
    x = fitted.points["value"].to_numpy()
    eta = alpha[votes.item] + beta[votes.item] * x[votes.state]
    draws = np.empty((reps, votes.n_states))
    for r in range(reps):
        ystar = eta + rng.standard_normal(len(eta))
        y = np.where(ystar < 0, 0, np.where(ystar < tau[votes.item], 1, 2)).astype(np.int8)
        draws[r] = fit(_resorted(votes, y), evolution=fitted.evolution).points["value"].to_numpy()
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return fitted.points.assign(boot_se=draws.std(axis=0, ddof=1), boot_low=lo, boot_high=hi)


def _anchor_sign(votes: Votes, x: np.ndarray) -> float:
    mine = votes.countries == ANCHOR
    if not mine.any():
        raise ValueError(f"identification needs the anchor {ANCHOR} to have voted in the sessions fitted")
    return float(np.sign(x[mine].mean()) or 1.0)


# ------------------------------------------------------------------------- store-level, cached

_CACHE: dict[tuple, IdealPoints] = {}


def ideal_points(store, evolution: float = 0.1, start_session: int | None = None,
                 end_session: int | None = None) -> IdealPoints:
    """The model fitted to every vote loaded in ``store`` (cached per store content and options)."""
    key = (str(getattr(store, "path", id(store))), store.count("votes"), store.count("rollcalls"),
           evolution, start_session, end_session)
    if key not in _CACHE:
        _CACHE[key] = fit(load_votes(store, start_session, end_session), evolution=evolution)
    return _CACHE[key]


def distance(store, a: str, b: str, by: str = "year", evolution: float = 0.1, draws: int = 4000,
             level: float = 0.95, seed: int = 1971, **_) -> pd.DataFrame:
    """|x_a - x_b| per session, with a percentile interval from normal draws of both Laplace posteriors."""
    if by not in ("session", "year"):
        raise ValueError("un_idealpoint_distance is per UN session: use --by session or --by year "
                         "(the year the session opened)")
    cols = ["a", "b", "period", "indicator", "value", "n", "ci_low", "ci_high"]
    if not store.has_table("votes"):
        return pd.DataFrame(columns=cols)
    p = ideal_points(store, evolution=evolution).points
    both = p[p["country"] == a].merge(p[p["country"] == b], on=["session", "year"], suffixes=("_a", "_b"))
    rng = np.random.default_rng(seed)
    sim = np.abs(rng.standard_normal((draws, len(both))) * both["se_a"].to_numpy()
                 + both["value_a"].to_numpy() - rng.standard_normal((draws, len(both))) * both["se_b"].to_numpy()
                 - both["value_b"].to_numpy())
    lo, hi = np.quantile(sim, [(1 - level) / 2, (1 + level) / 2], axis=0) if len(both) else (np.array([]),) * 2
    period = both["session" if by == "session" else "year"].astype(str)
    n = np.minimum(both["n_a"], both["n_b"])
    return pd.DataFrame({"a": a, "b": b, "period": period, "indicator": "un_idealpoint_distance",
                         "value": (both["value_a"] - both["value_b"]).abs(), "n": n, "ci_low": lo, "ci_high": hi,
                         "quality": np.where(n < THIN_VOTES, "thin", "ok")})


register(Indicator(
    id="un_idealpoint_distance", label="UN ideal-point distance", unit="ideal-point units",
    source="votes, rollcalls", method="idealpoints", compute=distance, directions=("D5",),
    frequencies=("year", "session"), directed=False, higher_means="further apart",
    description="Absolute distance between the two countries' dynamic ordinal ideal points from UN General "
                "Assembly votes (EM fit, random-walk bridging; Bailey, Strezhnev and Voeten 2017), per session.",
    all_dyads=True))
