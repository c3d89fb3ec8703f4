"""Shared test set-up: figures render off screen."""

import matplotlib

matplotlib.use("Agg")
