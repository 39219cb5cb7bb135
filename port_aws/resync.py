"""The current resync's shared state, looked up by Ocean's event id."""

from collections.abc import Mapping
from typing import Any

from loguru import logger

from port_aws.run import ResyncRun
from port_aws.settings import load_settings
from port_aws.stats import RESYNC_REPORT, render_report

_current: tuple[str, ResyncRun] | None = None


def run_for(event_id: str, config: Mapping[str, Any]) -> ResyncRun:
    """The run of this resync: created by its first kind, reused by the others."""
    global _current
    if _current is None or _current[0] != event_id:
        _current = (event_id, ResyncRun(load_settings(config)))
    return _current[1]


def report_if_last(run: ResyncRun, kinds_in_mapping: int) -> None:
    if len(run.kinds) >= kinds_in_mapping:
        logger.info(RESYNC_REPORT + "\n" + render_report(run.kinds))


def current_run() -> ResyncRun | None:
    """The run of the latest resync (its figures, once it finished)."""
    return _current[1] if _current else None


def forget() -> None:
    """Drop the latest run (its accounts, sessions and figures)."""
    global _current
    _current = None
