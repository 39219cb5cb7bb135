"""Errors the integration reports to users: each renders as one clear line."""


class ConfigError(ValueError):
    """A setting is missing or malformed. The message names the setting and what is expected."""

    def __init__(self, setting: str, expected: str) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {expected}")


class IncompleteResyncError(RuntimeError):
    """Some slices of a kind could not be read; raised after every readable item was yielded.

    Ocean sees the error and skips its delete phase, so entities of unreadable slices stay.
    """
