"""Shared fixtures: tests read the real processed tables built by `make all`."""
