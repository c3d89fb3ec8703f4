"""Hand-calculated values for minerecon.energy."""

from __future__ import annotations

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minerecon import energy

RTOL = 1e-12


def test_energy_per_th_day_s21xp():
    # 13.5 J/TH = 13.5 W per TH/s; * 24 h / 1000 = 0.324 kWh per TH/s per day
    assert_allclose(energy.energy_per_th_day(13.5), 0.324, rtol=RTOL)


def test_energy_per_th_day_with_pue_and_uptime():
    # 20 J/TH * 24 / 1000 * PUE 1.1 * uptime 0.9 = 0.48 * 0.99 = 0.4752 kWh
    assert_allclose(energy.energy_per_th_day(20.0, pue=1.1, uptime=0.9), 0.4752, rtol=RTOL)


def test_energy_per_th_day_s9_half_day():
    # Antminer S9, 98 J/TH, 12 h a day, PUE 1.2: 98 * 0.024 * 1.2 * 0.5 = 1.4112 kWh
    assert_allclose(energy.energy_per_th_day(98.0, pue=1.2, uptime=0.5), 1.4112, rtol=RTOL)


def test_energy_cost_per_th_s21xp():
    # 0.324 kWh * 0.05 USD/kWh = 0.0162 USD per TH/s per day (16.2 USD/PH/day hashcost)
    assert_allclose(energy.energy_cost_per_th(13.5, 0.05), 0.0162, rtol=RTOL)


def test_energy_cost_per_th_with_pue_and_uptime():
    # 0.4752 kWh (test above) * 0.05 USD/kWh = 0.02376 USD per TH/s per day
    out = energy.energy_cost_per_th(20.0, 0.05, pue=1.1, uptime=0.9)
    assert_allclose(out, 0.02376, rtol=RTOL)


def test_energy_cost_per_th_free_power():
    # 0 USD/kWh costs nothing whatever the efficiency
    assert energy.energy_cost_per_th(30.0, 0.0) == 0.0


def test_energy_cost_per_th_array():
    # 17.5 J/TH (S21) * 0.024 = 0.42 kWh; * [0.03, 0.05, 0.08] = [0.0126, 0.021, 0.0336]
    out = energy.energy_cost_per_th(17.5, np.array([0.03, 0.05, 0.08]))
    assert_allclose(out, [0.0126, 0.021, 0.0336], rtol=RTOL)


@pytest.mark.parametrize(
    ("check", "good", "bad", "name", "valid"),
    [
        (energy.check_efficiency, 13.5, 0.0, "efficiency", "(0, inf]"),
        (energy.check_pue, 1.0, 0.9, "pue", "[1, inf]"),
        (energy.check_uptime, 1.0, 0.0, "uptime", "(0, 1]"),
        (energy.check_uptime, 0.5, 1.5, "uptime", "(0, 1]"),
    ],
)
def test_validators(check, good, bad, name, valid):
    # the validators return a good scalar as float and name argument and range otherwise
    out = check(good)
    assert type(out) is float
    assert out == good
    with pytest.raises(ValueError, match=rf"{name}.*{re.escape(valid)}"):
        check(bad)
