"""Markers of the end-to-end tests."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: end-to-end run on a real benchmark (a few seconds); deselect with -m 'not slow'",
    )
