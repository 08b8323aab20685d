"""Shared fixtures: tests read the real processed tables built by `make all`."""

import polars as pl
import pytest

from csc_figures import tables


@pytest.fixture(scope="session")
def geo() -> pl.DataFrame:
    return tables.read("la_geography")


@pytest.fixture(scope="session")
def names() -> pl.DataFrame:
    return tables.read("la_names")


@pytest.fixture(scope="session")
def neighbours() -> pl.DataFrame:
    return tables.read("statistical_neighbours")


@pytest.fixture(scope="session")
def history() -> pl.DataFrame:
    return tables.read("inspections")
