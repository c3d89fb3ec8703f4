"""Risk measures: exact values on small samples, normal-sample values, kinds, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from minerecon import risk

# Outcomes -10, -9, ..., 9 (n = 20): losses 10, 9, ..., -9.
TWENTY = np.arange(-10.0, 10.0)


# --------------------------------------------------------------------------
# probability_of_loss
# --------------------------------------------------------------------------


def test_probability_of_loss_exact():
    # 2 of 4 outcomes are < 0; the 0 is not a loss
    assert risk.probability_of_loss([-2.0, -1.0, 0.0, 1.0]) == 0.5
    # below -1.5: only -2
    assert risk.probability_of_loss([-2.0, -1.0, 0.0, 1.0], threshold=-1.5) == 0.25
    # 10 of the 20 outcomes -10..9 are negative
    assert risk.probability_of_loss(TWENTY) == 0.5
    # infinite outcomes are counted, not rejected
    assert risk.probability_of_loss([-np.inf, 1.0, np.inf]) == pytest.approx(1 / 3)


def test_probability_of_loss_axis_and_dim():
    values = np.array([[-1.0, 1.0, 2.0, 3.0], [-1.0, -2.0, -3.0, 4.0]])
    # per row: 1/4 and 3/4; over all: 4/8
    assert_array_equal(risk.probability_of_loss(values, axis=1), [0.25, 0.75])
    assert risk.probability_of_loss(values) == 0.5
    da = xr.DataArray(values, dims=("scenario", "path"), coords={"scenario": ["a", "b"]})
    out = risk.probability_of_loss(da)
    assert out.dims == ("scenario",)
    assert_array_equal(out.values, [0.25, 0.75])
    assert risk.probability_of_loss(da, dim=None) == 0.5


# --------------------------------------------------------------------------
# value_at_risk and expected_shortfall: exact on small samples
# --------------------------------------------------------------------------


def test_var_and_es_by_hand():
    # level 0.9: n (1 - a) = 2 worst outcomes; VaR is the ceil(20 * 0.9) = 18th
    # smallest loss, 8 (P(L <= 8) = 18/20); ES the mean of the two worst losses, 10 and 9
    assert risk.value_at_risk(TWENTY, 0.9) == 8.0
    assert_allclose(risk.expected_shortfall(TWENTY, 0.9), 9.5, rtol=1e-15)
    # level 0.95: one worst outcome; VaR = 19th smallest loss = 9, ES = 10
    assert risk.value_at_risk(TWENTY, 0.95) == 9.0
    assert_allclose(risk.expected_shortfall(TWENTY, 0.95), 10.0, rtol=1e-15)


def test_es_counts_a_fraction_of_the_boundary_outcome():
    # outcomes -5..4 (n = 10), level 0.85: tail k = 1.5 outcomes, the worst (loss 5)
    # in full and half of the next (loss 4): (5 + 0.5 * 4) / 1.5 = 4.666...
    values = np.arange(-5.0, 5.0)
    assert_allclose(risk.expected_shortfall(values, 0.85), (5 + 0.5 * 4) / 1.5, rtol=1e-15)
    # VaR: ceil(10 * 0.85) = 9th smallest loss of -4..5 = 4
    assert risk.value_at_risk(values, 0.85) == 4.0


def test_var_sign_convention():
    # all outcomes gains: losses -40, -30, -20, -10; VaR_0.75 is the ceil(4 * 0.75) = 3rd
    # smallest loss, -20 (a negative loss: even a bad outcome is a gain of 20)
    assert risk.value_at_risk([10.0, 20.0, 30.0, 40.0], 0.75) == -20.0
    # n = 1000, level 0.95: the 950th smallest loss, i.e. minus the 51st smallest
    # outcome (50 outcomes, 5 %, are worse): -quantile_0.05 of the outcomes, taking
    # the upper of the two order statistics where the 5 % point falls between them
    rng = np.random.default_rng(0)
    values = rng.normal(size=1000)
    assert risk.value_at_risk(values, 0.95) == -np.sort(values)[50]
    assert risk.probability_of_loss(values, -risk.value_at_risk(values, 0.95)) == 0.05


def test_var_is_numpy_inverted_cdf_quantile_of_losses():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 100, 1001):
        values = rng.normal(size=n)
        for level in (0.5, 0.9, 0.95, 0.975, 0.99):
            assert risk.value_at_risk(values, level) == np.quantile(
                -values, level, method="inverted_cdf"
            )


def test_cvar_is_expected_shortfall():
    assert risk.cvar is risk.expected_shortfall


def test_normal_sample_matches_analytic_var_and_es():
    # X ~ N(mu, sigma): VaR_a = -(mu - sigma z_a), ES_a = -mu + sigma phi(z_a) / (1 - a)
    mu, sigma, n, level = 2.0, 10.0, 400_000, 0.95
    z = stats.norm.ppf(level)
    var_exact = -(mu - sigma * z)  # 14.4485...
    es_exact = -mu + sigma * stats.norm.pdf(z) / (1 - level)  # 18.6271...
    values = np.random.default_rng(2024).normal(mu, sigma, n)
    # Standard errors of the sample estimators (asymptotic):
    # VaR: sigma sqrt(a (1 - a) / n) / phi(z) = 0.034; ES: sqrt((Var(L | tail)
    # + a (ES - VaR)**2) / (n (1 - a))) = 0.045. Tolerance: 5 standard errors.
    se_var = sigma * np.sqrt(level * (1 - level) / n) / stats.norm.pdf(z)
    tail_var = sigma**2 * (1 + z * stats.norm.pdf(z) / (1 - level)) - (es_exact + mu) ** 2
    se_es = np.sqrt((tail_var + level * (es_exact - var_exact) ** 2) / (n * (1 - level)))
    assert_allclose(risk.value_at_risk(values, level), var_exact, atol=5 * se_var)
    assert_allclose(risk.expected_shortfall(values, level), es_exact, atol=5 * se_es)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=200),
    level=st.floats(0.01, 0.99),
)
def test_es_at_least_var_and_var_is_an_outcome(values, level):
    var = risk.value_at_risk(values, level)
    es = risk.expected_shortfall(values, level)
    assert -var in values
    assert es >= var - 1e-9 * (1 + abs(var))
    assert es <= -min(values) + 1e-9 * (1 + abs(min(values)))


def test_var_es_axis_and_dataarray():
    rng = np.random.default_rng(9)
    values = rng.normal(size=(3, 500))
    var_rows = np.array([risk.value_at_risk(row) for row in values])
    es_rows = np.array([risk.expected_shortfall(row) for row in values])
    assert_array_equal(risk.value_at_risk(values, axis=-1), var_rows)
    assert_array_equal(risk.value_at_risk(values.T, axis=0), var_rows)
    assert_allclose(risk.expected_shortfall(values, axis=1), es_rows, rtol=1e-14)
    da = xr.DataArray(values, dims=("scenario", "path"), coords={"scenario": [1, 2, 3]})
    out = risk.expected_shortfall(da)
    assert isinstance(out, xr.DataArray) and out.dims == ("scenario",)
    assert_allclose(out.values, es_rows, rtol=1e-14)
    # dim=None pools everything, as axis=None does
    assert risk.value_at_risk(da, dim=None) == risk.value_at_risk(values)
    assert isinstance(risk.value_at_risk(values), float)


# --------------------------------------------------------------------------
# percentile_bands
# --------------------------------------------------------------------------


def test_percentile_bands_equal_numpy_percentiles():
    rng = np.random.default_rng(4)
    data = xr.DataArray(
        rng.normal(size=(200, 30)),
        dims=("path", "time"),
        coords={"time": pd.date_range("2026-01-01", periods=30)},
    )
    bands = risk.percentile_bands(data)
    assert bands.dims == ("percentile", "time")
    assert_array_equal(bands["percentile"].values, [5, 25, 50, 75, 95])
    assert (bands["time"] == data["time"]).all()
    expected = np.percentile(data.values, [5, 25, 50, 75, 95], axis=0)
    assert_allclose(bands.values, expected, rtol=1e-13, atol=1e-15)
    # numpy input, percentiles along a new first axis
    assert_allclose(
        risk.percentile_bands(data.values, percentiles=(10, 90), axis=0),
        np.percentile(data.values, [10, 90], axis=0),
        rtol=1e-13,
        atol=1e-15,
    )


def test_percentile_bands_with_never_paid_back():
    # sorted 1, 2, inf, inf: the 50th percentile interpolates towards inf -> inf
    # (numpy gives nan); the 10th is 1 + 0.3 * (2 - 1) = 1.3 as numpy
    data = xr.DataArray([[1.0, np.inf, 2.0, np.inf]], dims=("x", "path"))
    bands = risk.percentile_bands(data, percentiles=(10, 50, 100))
    assert_allclose(bands.values[:, 0], [1.3, np.inf, np.inf])


# --------------------------------------------------------------------------
# payback_distribution and summarize
# --------------------------------------------------------------------------


def test_payback_distribution_by_hand():
    days = [300.0, 100.0, np.inf, 200.0, np.inf]
    d = risk.payback_distribution(days, quantiles=(0.25, 0.5, 0.75))
    # 2 of 5 never; finite 100, 200, 300: mean 200, quantiles at positions 0.5, 1, 1.5
    assert d["n"] == 5
    assert d["share_never"] == 0.4
    assert d["mean_finite"] == 200.0
    assert_allclose(d[["p25_finite", "p50_finite", "p75_finite"]], [150.0, 200.0, 250.0])
    # all five sorted 100, 200, 300, inf, inf: positions 1, 2, 3 -> 200, 300, inf
    assert_allclose(d[["p25_all", "p50_all", "p75_all"]], [200.0, 300.0, np.inf])


def test_payback_distribution_defaults_and_all_never():
    d = risk.payback_distribution(np.full(4, np.inf))
    assert d["share_never"] == 1.0
    assert np.isnan(d["mean_finite"]) and np.isnan(d["p50_finite"])
    assert d["p5_all"] == np.inf
    assert list(d.index) == [
        "n",
        "share_never",
        "mean_finite",
        *(f"p{p}_finite" for p in (5, 25, 50, 75, 95)),
        *(f"p{p}_all" for p in (5, 25, 50, 75, 95)),
    ]
    # no inf: the finite and all quantiles agree with numpy
    days = np.random.default_rng(1).uniform(100, 900, 101)
    d = risk.payback_distribution(xr.DataArray(days, dims="path"))
    q = np.quantile(days, [0.05, 0.25, 0.5, 0.75, 0.95])
    assert_allclose(d[[f"p{p}_all" for p in (5, 25, 50, 75, 95)]], q, rtol=1e-14)
    assert_allclose(d[[f"p{p}_finite" for p in (5, 25, 50, 75, 95)]], q, rtol=1e-14)


def test_summarize_by_hand():
    s = risk.summarize(TWENTY, level=0.9, quantiles=(0.5,))
    # mean of -10..9 = -0.5; sample std = sqrt(sum((x + 0.5)**2) / 19) = sqrt(665 / 19)
    assert s["n"] == 20
    assert s["mean"] == -0.5
    assert_allclose(s["std"], np.sqrt(665 / 19), rtol=1e-14)
    assert s["p50"] == -0.5
    assert s["probability_of_loss"] == 0.5
    assert s["value_at_risk_90"] == 8.0
    assert_allclose(s["expected_shortfall_90"], 9.5, rtol=1e-15)
    default = risk.summarize(pd.Series(TWENTY))
    assert {"p5", "p95", "value_at_risk_95", "expected_shortfall_95"} <= set(default.index)
    assert "value_at_risk_97_5" in risk.summarize(TWENTY, level=0.975).index


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: risk.value_at_risk([1.0, 2.0], level=1.0), r"level must be in \(0, 1\)"),
        (lambda: risk.value_at_risk([1.0, 2.0], level=0.0), r"level must be in \(0, 1\)"),
        (lambda: risk.expected_shortfall([1.0, 2.0], level=95), r"level must be in \(0, 1\)"),
        (lambda: risk.cvar([1.0, 2.0], level=np.nan), "level must not be NaN"),
        (lambda: risk.summarize([1.0, 2.0], level=True), "level must be a real number"),
        (lambda: risk.value_at_risk([]), "values must not be empty"),
        (lambda: risk.probability_of_loss(np.empty((2, 0)), axis=1), "must not be empty"),
        (lambda: risk.value_at_risk([1.0, np.nan]), "values must not be NaN"),
        (lambda: risk.probability_of_loss([1.0, np.nan]), "values must not be NaN"),
        (lambda: risk.expected_shortfall([1.0, np.inf]), "values must be finite"),
        (lambda: risk.summarize([[1.0, 2.0]]), "values must be one-dimensional"),
        (lambda: risk.summarize([1.0, 2.0], quantiles=(1.5,)), "quantiles must be in"),
        (lambda: risk.probability_of_loss([1.0], threshold=np.nan), "threshold"),
        (lambda: risk.value_at_risk([[1.0]], axis=2), "axis must be in"),
        (lambda: risk.value_at_risk(["a"]), "values must be real numbers"),
        (lambda: risk.value_at_risk(pd.DataFrame({"a": [1.0]})), "DataFrame"),
        (lambda: risk.payback_distribution([-1.0, 2.0]), "payback_days must be >= 0"),
        (lambda: risk.payback_distribution([np.nan]), "payback_days must not be NaN"),
        (lambda: risk.payback_distribution([]), "payback_days must not be empty"),
        (lambda: risk.payback_distribution(np.ones((2, 2))), "one-dimensional"),
        (lambda: risk.percentile_bands(np.ones(3), percentiles=(101,)), "percentiles"),
        (
            lambda: risk.percentile_bands(xr.DataArray([1.0, np.nan], dims="path")),
            "data must not be NaN",
        ),
    ],
)
def test_bad_input_raises_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_dim_errors():
    da = xr.DataArray(np.ones((2, 3)), dims=("scenario", "draw"))
    with pytest.raises(ValueError, match="dim must be a dimension"):
        risk.value_at_risk(da)  # default dim "path" is missing
    with pytest.raises(ValueError, match="axis is for arrays"):
        risk.value_at_risk(da, axis=0)
    with pytest.raises(ValueError, match="dim is for DataArrays"):
        risk.value_at_risk(np.ones(3), dim="draw")
    with pytest.raises(ValueError, match="dim must be a dimension"):
        risk.percentile_bands(da)
    assert_array_equal(risk.value_at_risk(da, dim="draw").values, [-1.0, -1.0])
