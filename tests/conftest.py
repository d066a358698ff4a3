"""Shared fixtures: the tests run offline and write caches into a temporary folder; skipped tiers are named loudly."""

from __future__ import annotations

import pytest

# The test tiers (markers in pyproject.toml) in the order a skipped test is counted against them.
TIERS = ("browser", "network", "solved", "slow")


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def glove():
    from course_utils.models import load_glove

    return load_glove()


def skipped_tiers(reports: list[pytest.TestReport]) -> dict[str, dict[str, int]]:
    """For each tier with skipped tests: how many were skipped for each reason."""
    tiers: dict[str, dict[str, int]] = {}
    for report in reports:
        tier = next((t for t in TIERS if t in report.keywords), None)
        if tier is None:
            continue
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        tiers.setdefault(tier, {})
        tiers[tier][reason] = tiers[tier].get(reason, 0) + 1
    return tiers


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name every tier that did not run here (no chromium, no network), so a skipped tier never reads as a pass."""
    for tier, reasons in skipped_tiers(terminalreporter.stats.get("skipped", [])).items():
        why = "; ".join(f"{reason}: {count} test{'s' if count > 1 else ''}" for reason, count in reasons.items())
        terminalreporter.write_sep("!", f"SKIPPED TIER: {tier} ({why})", red=True, bold=True)
