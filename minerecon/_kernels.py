"""Compiled day-by-day kernels of the projection engine.

Everything numba compiles for the projections lives in this one module on
purpose: numba caches compiled code per source file and does not notice a
change in a helper it inlined from another file, so keeping callers and
helpers together means an edit here invalidates them all.

The kernels loop over the paths (rows) they are given, releasing the GIL:
:func:`minerecon._parallel.over_rows` runs blocks of paths on threads.

The retarget simulator's state is one small array per path (layout ``_D``
... ``_SUBSIDY``), built by :func:`minerecon.difficulty.start_chain`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from minerecon.network import (
    HALVING_INTERVAL,
    HASHES_PER_DIFFICULTY,
    INITIAL_SUBSIDY_SAT,
    MAX_HALVINGS,
    RETARGET_CLAMP,
    RETARGET_INTERVAL,
    TARGET_BLOCK_INTERVAL,
    TARGET_TIMESPAN,
)
from minerecon.units import HOURS_PER_DAY, SATS_PER_BTC, SECONDS_PER_DAY, TH

#: Blocks per second per (TH/s / difficulty).
HASH_SCALE = TH / HASHES_PER_DIFFICULTY
_KWH_PER_W_DAY = 24 / 1000

# Layout of the retarget simulator's state (one small array per path).
_D, _HEIGHT, _EPOCH_START, _ELAPSED, _BLOCK_RATE, _NEXT_HALVING, _SUBSIDY = range(7)


@numba.njit(cache=True)
def _subsidy(height: float) -> float:
    """Subsidy of the block after ``height`` [BTC]."""
    halvings = (int(math.floor(height)) + 1) // HALVING_INTERVAL  # noqa: RUF046 (numba)
    if halvings >= MAX_HALVINGS:
        return 0.0
    return (INITIAL_SUBSIDY_SAT >> halvings) / SATS_PER_BTC


@numba.njit(cache=True, error_model="numpy", inline="always")
def _chain_state(
    chain: np.ndarray, fee: float, fee_is_share: bool
) -> tuple[float, bool, float, float, float, float]:
    """Height, whether the epoch's first block is found, the next retarget's and
    halving's heights, the subsidy and the fees per block [BTC]."""
    height = chain[_HEIGHT]
    counting = height >= chain[_EPOCH_START]
    stop = chain[_EPOCH_START] + (RETARGET_INTERVAL - 1 if counting else 0.0)
    subsidy = chain[_SUBSIDY]
    fees = subsidy * fee / (1.0 - fee) if fee_is_share else fee
    return height, counting, stop, chain[_NEXT_HALVING], subsidy, fees


@numba.njit(cache=True, error_model="numpy", inline="always")
def advance_chain(
    chain: np.ndarray, hashrate: float, fee: float, fee_is_share: bool, seconds: float
) -> tuple[float, float, float]:
    """Mine ``seconds`` at ``hashrate`` [TH/s], updating ``chain`` in place.

    ``chain`` (from :func:`start_chain`) holds the difficulty, the height of
    the last block found (continuous), the height of the current epoch's
    first block, the seconds since it was found, the blocks per second one
    TH/s finds, the height after which the next halving applies and the
    current subsidy. Returns the reward one TH/s earned [BTC], the blocks
    found, and the second at which a halving was crossed (``-1`` if none).
    """
    per_th = chain[_BLOCK_RATE]
    height = chain[_HEIGHT]
    rate = hashrate * per_th  # blocks per second
    counting = height >= chain[_EPOCH_START]
    stop = chain[_EPOCH_START] + (RETARGET_INTERVAL - 1 if counting else 0.0)
    blocks = rate * seconds
    if height + blocks < min(stop, chain[_NEXT_HALVING]):
        # No retarget and no halving today, the common case: one multiply-add.
        subsidy = chain[_SUBSIDY]
        fees = subsidy * fee / (1.0 - fee) if fee_is_share else fee
        chain[_HEIGHT] = height + blocks
        if counting:
            chain[_ELAPSED] += seconds
        return seconds * per_th * (subsidy + fees), blocks, -1.0
    reward = 0.0
    blocks = 0.0
    halving_at = -1.0
    remaining = seconds
    while remaining > 0.0:
        rate = hashrate * chain[_BLOCK_RATE]
        if rate <= 0.0:
            break
        height, counting, stop, halving, subsidy, fees = _chain_state(chain, fee, fee_is_share)
        needed = (min(stop, halving) - height) / rate
        step = min(needed, remaining)
        reward += step * chain[_BLOCK_RATE] * (subsidy + fees)
        blocks += step * rate
        if counting:
            chain[_ELAPSED] += step
        remaining -= step
        if needed > step:
            chain[_HEIGHT] = height + step * rate
            break
        if halving <= stop:
            chain[_HEIGHT] = halving
            chain[_NEXT_HALVING] = halving + HALVING_INTERVAL
            chain[_SUBSIDY] = _subsidy(halving)
            halving_at = seconds - remaining
            if halving < stop:
                continue
        chain[_HEIGHT] = stop
        if counting:
            elapsed = chain[_ELAPSED]
            actual = min(max(elapsed, TARGET_TIMESPAN / RETARGET_CLAMP), TARGET_TIMESPAN * 4.0)
            chain[_D] = chain[_D] * TARGET_TIMESPAN / actual
            chain[_BLOCK_RATE] = HASH_SCALE / chain[_D]
            chain[_EPOCH_START] += RETARGET_INTERVAL
        chain[_ELAPSED] = 0.0
    return reward, blocks, halving_at


@numba.njit(cache=True, error_model="numpy")
def poisson_count(uniform: float, mean: float) -> int:
    """The smallest count whose Poisson(``mean``) CDF reaches ``uniform`` (inverse transform).

    Walks from the mode, with the probabilities below it summed first, so a
    day's few hundred blocks cost tens of terms and nothing underflows.
    """
    if mean <= 0.0:
        return 0
    mode = math.floor(mean)
    at_mode = math.exp(mode * math.log(mean) - mean - math.lgamma(mode + 1.0))
    below = 0.0  # P(K < mode)
    term = at_mode
    k = mode
    # Terms fall fast away from the mode: stop once they no longer change the sum.
    while k > 0 and term > 1e-17 * below:
        term *= k / mean
        k -= 1
        below += term
    if uniform <= below:  # walk down: CDF(k - 1) = CDF(k) - P(k)
        cdf = below
        term = at_mode * mode / mean  # P(mode - 1)
        k = mode - 1
        while k > 0 and cdf - term >= uniform:
            cdf -= term
            term *= k / mean
            k -= 1
        return int(k)
    cdf = below + at_mode
    term = at_mode
    k = mode
    while cdf < uniform and term > 1e-300:
        k += 1
        term *= mean / k
        cdf += term
    return int(k)


@numba.njit(cache=True, error_model="numpy")
def binomial_count(uniform: float, trials: int, share: float) -> int:
    """The smallest count whose Binomial(``trials``, ``share``) CDF reaches ``uniform``.

    Walks up from 0 in log space-safe steps; a fleet's share of a day's blocks
    is small, so the walk stops within a few terms.
    """
    if trials <= 0 or share <= 0.0:
        return 0
    if share >= 1.0:
        return trials
    ratio = share / (1.0 - share)
    term = math.exp(trials * math.log1p(-share))  # P(0)
    cdf = term
    k = 0
    while cdf < uniform and k < trials:
        term *= (trials - k) / (k + 1.0) * ratio
        k += 1
        cdf += term
    return k


@numba.njit(cache=True, error_model="numpy")
def advance_chain_poisson(
    chain: np.ndarray,
    hashrate: float,
    fee: float,
    fee_is_share: bool,
    seconds: float,
    uniform: float,
) -> tuple[float, float, float]:
    """:func:`advance_chain` with the day's blocks a Poisson count, not their mean.

    ``uniform`` draws the count of blocks at the day's rate; the ``j``-th of
    ``K`` falls at ``j / (K + 1)`` of the day (the expected order statistic),
    so retargets and halvings happen at those times and an epoch lasts as
    long as its blocks took. The reward per TH/s is still a pool's expected
    value per share, at the difficulty and subsidy in force through the day.
    """
    count = poisson_count(uniform, hashrate * chain[_BLOCK_RATE] * seconds)
    reward = 0.0
    halving_at = -1.0
    found = 0
    elapsed_at = 0.0  # second of the day reached so far
    done = False
    while not done:
        height, counting, stop, halving, subsidy, fees = _chain_state(chain, fee, fee_is_share)
        to_event = max(1, math.ceil(min(stop, halving) - height))
        done = found + to_event > count
        # The day's remaining seconds, or those until the event's block.
        at = seconds if done else seconds * (found + to_event) / (count + 1.0)
        step = at - elapsed_at
        reward += step * chain[_BLOCK_RATE] * (subsidy + fees)
        if counting:
            chain[_ELAPSED] += step
        elapsed_at = at
        if done:
            chain[_HEIGHT] = height + (count - found)
        else:
            found += to_event
            chain[_HEIGHT] = min(stop, halving)
            if halving <= stop:
                chain[_NEXT_HALVING] = halving + HALVING_INTERVAL
                chain[_SUBSIDY] = _subsidy(halving)
                halving_at = at
            if stop <= halving:  # the epoch's last block (or the first one's wait) ends
                if counting:
                    elapsed = chain[_ELAPSED]
                    actual = min(
                        max(elapsed, TARGET_TIMESPAN / RETARGET_CLAMP), TARGET_TIMESPAN * 4.0
                    )
                    chain[_D] = chain[_D] * TARGET_TIMESPAN / actual
                    chain[_BLOCK_RATE] = HASH_SCALE / chain[_D]
                    chain[_EPOCH_START] += RETARGET_INTERVAL
                chain[_ELAPSED] = 0.0
    return reward, float(count), halving_at


@numba.njit(cache=True, error_model="numpy", inline="always")
def start_growth(parameters: np.ndarray) -> float:
    """Daily growth factor of hashrate on day 0 (1 until the economic model sets it)."""
    return math.exp(parameters[1]) if parameters[0] == 0.0 else 1.0


@numba.njit(cache=True, error_model="numpy", inline="always")
def advance_hashrate(
    hashrate: float,
    growth: float,
    until_step: int,
    average_hashprice: float,
    day: int,
    parameters: np.ndarray,
    shocks: np.ndarray,
    step_days: int,
) -> tuple[float, float, int]:
    """Network hashrate of ``day`` >= 1 [TH/s], the daily growth factor and days to the next step.

    ``parameters`` is ``[mode, growth, entry, exit, log_cost, decline,
    1 / lag, shock_scale]`` (rates per day) from a model's
    ``_kernel_parameters``. Hashrate grows by the daily factor; on day 1 and
    every ``step_days`` days the economic model sets that factor from the
    moving average of hashprice [USD/TH/day], and a step's noise applies.
    """
    hashrate *= growth
    until_step -= 1
    step = until_step == 0
    if parameters[0] != 0.0 and (step or day == 1):
        signal = math.log(average_hashprice) - parameters[4] + parameters[5] * day
        rate = parameters[2] if signal > 0.0 else parameters[3]
        growth = math.exp(rate * signal)
    if step:
        until_step = step_days
        if parameters[7] > 0.0:
            hashrate *= math.exp(parameters[7] * shocks[day // step_days - 1])
    return hashrate, growth, until_step


@numba.njit(cache=True, error_model="numpy", inline="always")
def average(previous: float, day: int, hashprice: float, parameters: np.ndarray) -> float:
    """The moving average of hashprice [USD/TH/day] after ``day``."""
    if day == 0:
        return hashprice
    return previous + (hashprice - previous) * parameters[6]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def network_paths(
    start_chain: np.ndarray,
    start_hashrate: float,
    hashrate_given: np.ndarray,
    price: np.ndarray,
    fees: np.ndarray,
    fee_is_share: bool,
    parameters: np.ndarray,
    shocks: np.ndarray,
    step_days: int,
    out_difficulty: np.ndarray,
    out_height: np.ndarray,
    out_hashrate: np.ndarray,
    out_blocks: np.ndarray,
    out_reward: np.ndarray,
) -> None:
    n_paths, n_days = out_difficulty.shape
    given = hashrate_given.shape[0] > 0
    for p in range(n_paths):
        chain = start_chain.copy()
        hashrate = start_hashrate
        growth = start_growth(parameters)
        until_step = step_days
        mean_hashprice = 0.0
        path_shocks = shocks[p]
        for day in range(n_days):
            if given:
                hashrate = hashrate_given[p, day]
            elif day > 0:
                hashrate, growth, until_step = advance_hashrate(
                    hashrate,
                    growth,
                    until_step,
                    mean_hashprice,
                    day,
                    parameters,
                    path_shocks,
                    step_days,
                )
            out_difficulty[p, day] = chain[_D]
            out_height[p, day] = chain[_HEIGHT]
            out_hashrate[p, day] = hashrate
            reward, blocks, _ = advance_chain(
                chain, hashrate, fees[p, day], fee_is_share, float(SECONDS_PER_DAY)
            )
            out_blocks[p, day] = blocks
            out_reward[p, day] = reward
            mean_hashprice = average(mean_hashprice, day, price[p, day] * reward, parameters)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def mining_kernel(
    price: np.ndarray,
    fees: np.ndarray,
    fee_is_share: bool,
    given_reward: np.ndarray,
    given_difficulty: np.ndarray,
    chain0: np.ndarray,
    start_hashrate: float,
    hashrate_parameters: np.ndarray,
    shocks: np.ndarray,
    step_days: int,
    fleet_hashrate: np.ndarray,
    group_hashrate: np.ndarray,
    group_power: np.ndarray,
    group_other: np.ndarray,
    fixed_flow: np.ndarray,
    power_price: np.ndarray,
    pue: float,
    pool_fee: float,
    discount: np.ndarray,
    month: np.ndarray,
    hold: bool,
    switch_off: bool,
    summary: np.ndarray,
    days_off: np.ndarray,
    monthly: np.ndarray,
    daily: np.ndarray,
    cash_out: np.ndarray,
    arrivals: np.ndarray,
    solo_draws: np.ndarray,
    hourly_price: np.ndarray,
    reserve: np.ndarray,
) -> None:
    n_paths, n_days = price.shape
    reserve_share, reserve_pay, reserve_calls = reserve[0], reserve[1], reserve[2]
    hourly = hourly_price.shape[0] > 0
    poisson = arrivals.shape[0] > 0
    solo = solo_draws.shape[0] > 0
    n_groups = group_hashrate.shape[0]
    keep_daily = daily.shape[0] > 0
    keep_cash = cash_out.shape[0] > 0
    chain_given = given_reward.shape[0] > 0
    energy_price = _KWH_PER_W_DAY * pue * power_price  # USD per W-day
    for p in range(n_paths):
        chain = chain0.copy()
        network_hashrate = start_hashrate
        growth = start_growth(hashrate_parameters)
        until_step = step_days
        mean_hashprice = 0.0
        path_shocks = shocks[p]
        npv = 0.0
        cumulative = 0.0
        cumulative_btc = 0.0
        # First day the cumulative cash (in USD, in BTC) is >= 0, interpolated within
        # the day as cashflow.payback_period does.
        payback = math.inf
        payback_btc = math.inf
        held = 0.0
        total_btc = 0.0
        total_revenue = 0.0
        total_energy = 0.0
        total_other = 0.0
        halving_day = math.nan
        # Sums over the current month, written out when it ends.
        m = month[0]
        m_cash = m_btc = m_revenue = m_energy = m_other = m_btc_all = m_energy_all = 0.0
        for day in range(n_days):
            if month[day] != m:
                _flush_month(
                    monthly,
                    p,
                    m,
                    m_cash,
                    m_btc,
                    m_revenue,
                    m_energy,
                    m_other,
                    m_btc_all,
                    m_energy_all,
                )
                m = month[day]
                m_cash = m_btc = m_revenue = m_energy = m_other = m_btc_all = 0.0
                m_energy_all = 0.0
            btc_price = price[p, day]
            day_blocks = 0.0  # the network's blocks today, counted with Poisson arrivals
            hashing_network = 1.0
            if chain_given:
                reward = given_reward[p, day]
                difficulty = given_difficulty[p, day]
                network_hashrate = difficulty / (HASH_SCALE * TARGET_BLOCK_INTERVAL)
            else:
                if day > 0:
                    network_hashrate, growth, until_step = advance_hashrate(
                        network_hashrate,
                        growth,
                        until_step,
                        mean_hashprice,
                        day,
                        hashrate_parameters,
                        path_shocks,
                        step_days,
                    )
                difficulty = chain[0]
                # The network includes the fleet: never less hashrate than the fleet's own.
                hashing_network = max(network_hashrate, fleet_hashrate[day])
                if poisson:
                    reward, day_blocks, crossed_at = advance_chain_poisson(
                        chain,
                        hashing_network,
                        fees[p, day],
                        fee_is_share,
                        float(SECONDS_PER_DAY),
                        arrivals[p, day],
                    )
                else:
                    reward, _, crossed_at = advance_chain(
                        chain, hashing_network, fees[p, day], fee_is_share, float(SECONDS_PER_DAY)
                    )
                if crossed_at >= 0.0 and math.isnan(halving_day):
                    halving_day = day + crossed_at / SECONDS_PER_DAY
                mean_hashprice = average(
                    mean_hashprice, day, btc_price * reward, hashrate_parameters
                )
            net_reward = reward * (1.0 - pool_fee)
            revenue_per_th = net_reward * btc_price
            btc = 0.0
            energy = 0.0
            btc_all = 0.0
            energy_all = 0.0
            other = 0.0
            hashing = 0.0
            for g in range(n_groups):
                other += group_other[g, day]
                hashrate = group_hashrate[g, day]
                if hashrate <= 0.0:
                    continue
                btc_all += hashrate * net_reward
                if hourly:
                    # Each hour runs when the hour's power costs no more than it earns;
                    # the load offered as a reserve runs while offered, unless called.
                    kwh_per_hour = group_power[g, day] * pue / 1000.0
                    earns = revenue_per_th * hashrate / (HOURS_PER_DAY * kwh_per_hour)
                    hours_run = 0.0
                    paid = 0.0
                    paid_all = 0.0
                    offered = 0.0
                    for h in range(day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY):
                        cost = hourly_price[p, h]
                        paid_all += cost
                        runs = 1.0 if not switch_off or cost <= earns else 0.0
                        if reserve_share > 0.0:
                            offer = (1.0 - reserve_calls) * (earns - cost) + reserve_pay > 0.0
                            committed = (1.0 - reserve_calls) if offer else 0.0
                            runs = (1.0 - reserve_share) * runs + reserve_share * committed
                            offered += reserve_share if offer else 0.0
                        hours_run += runs
                        paid += cost * runs
                    running = hours_run / HOURS_PER_DAY
                    energy_all += paid_all * kwh_per_hour
                    days_off[p, g] += 1.0 - running
                    btc += hashrate * net_reward * running
                    # Reserve payments are credits against power, as miners report them.
                    energy += (paid - offered * reserve_pay) * kwh_per_hour
                    hashing += hashrate * running
                    continue
                group_energy = group_power[g, day] * energy_price[day]
                energy_all += group_energy
                if switch_off and revenue_per_th * hashrate < group_energy:
                    days_off[p, g] += 1
                    continue
                btc += hashrate * net_reward
                energy += group_energy
                hashing += hashrate
            if solo:
                # The fleet keeps the blocks its hashing machines find: a binomial
                # share of the day's, each worth the subsidy and fees at day end.
                found = binomial_count(
                    solo_draws[p, day], int(day_blocks), hashing / hashing_network
                )
                _, _, _, _, subsidy, fee_btc = _chain_state(chain, fees[p, day], fee_is_share)
                btc = found * (subsidy + fee_btc)
            if hold:
                held += btc
                revenue = held * btc_price if day == n_days - 1 else 0.0
            else:
                revenue = btc * btc_price
            cash = revenue - energy - other + fixed_flow[day]
            npv += cash * discount[day]
            previous = cumulative
            cumulative += cash
            if payback == math.inf and cumulative >= 0.0:
                payback = 0.0 if day == 0 else day - 1 - previous / cash
            cash_btc = btc - (energy + other - fixed_flow[day]) / btc_price
            previous = cumulative_btc
            cumulative_btc += cash_btc
            if payback_btc == math.inf and cumulative_btc >= 0.0:
                payback_btc = 0.0 if day == 0 else day - 1 - previous / cash_btc
            if keep_cash:
                cash_out[p, day] = cash
            total_btc += btc
            total_revenue += revenue
            total_energy += energy
            total_other += other
            m_cash += cash
            m_btc += btc
            m_revenue += revenue
            m_energy += energy
            m_other += other
            m_btc_all += btc_all
            m_energy_all += energy_all
            # Month-end levels: overwritten every day, the last day's stays.
            monthly[p, m, 5] = btc_price
            monthly[p, m, 6] = difficulty
            monthly[p, m, 7] = network_hashrate
            monthly[p, m, 8] = cumulative
            monthly[p, m, 11] = btc_price * reward
            if keep_daily:
                daily[p, day, 0] = btc_price
                daily[p, day, 1] = difficulty
                daily[p, day, 2] = network_hashrate
                daily[p, day, 3] = fees[p, day]
                daily[p, day, 4] = reward
                daily[p, day, 5] = btc
                daily[p, day, 6] = revenue
                daily[p, day, 7] = energy
                daily[p, day, 8] = other
                daily[p, day, 9] = cash
                daily[p, day, 10] = cumulative
                daily[p, day, 11] = hashing
                daily[p, day, 12] = (energy_all + other) / btc_all if btc_all > 0.0 else math.inf
        _flush_month(
            monthly, p, m, m_cash, m_btc, m_revenue, m_energy, m_other, m_btc_all, m_energy_all
        )
        summary[p, 0] = npv
        summary[p, 1] = math.nan
        summary[p, 2] = payback
        summary[p, 3] = payback_btc
        summary[p, 4] = total_btc
        summary[p, 5] = total_revenue
        summary[p, 6] = total_energy
        summary[p, 7] = total_other
        summary[p, 8] = cumulative
        summary[p, 9] = halving_day


@numba.njit(cache=True, inline="always")
def _flush_month(
    monthly: np.ndarray,
    p: int,
    m: int,
    cash: float,
    btc: float,
    revenue: float,
    energy: float,
    other: float,
    btc_all: float,
    energy_all: float,
) -> None:
    monthly[p, m, 0] = cash
    monthly[p, m, 1] = btc
    monthly[p, m, 2] = revenue
    monthly[p, m, 3] = energy
    monthly[p, m, 4] = other
    monthly[p, m, 9] = btc_all
    monthly[p, m, 10] = energy_all
