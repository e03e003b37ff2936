"""Exceptions with messages meant for the user (one clear line each)."""


class UnspinError(Exception):
    """Base class for errors unspin reports to the user."""


class InputError(UnspinError):
    """The input cannot be analysed: empty, binary, too large, undecodable, unsupported.

    The CLI prints ``unspin: error: <where>: <message>`` and exits with code 2.
    """

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ModelError(UnspinError):
    """A shipped model is missing or does not match the code (an installation problem)."""


class ModelSetError(ModelError):
    """``$UNSPIN_MODELS`` names a folder that is not a usable model set (a typo, or an encoder
    without its heads), or ``$UNSPIN_INT8`` is neither 'exact' nor 'fast': the user's setting is
    wrong, so the CLI exits with code 2, as for bad input."""


class StoreError(UnspinError):
    """A DuckDB store that cannot be opened: another process is writing it, its folder does not
    exist, or it is not the kind of store asked for. The user can fix it, so the CLI exits with 2."""


class AnalyzerError(UnspinError):
    """An analyzer that is not unspin's own (an installed plugin, or one registered from Python)
    failed or wrote something the analysis JSON cannot hold. The message names the analyzer and
    where it comes from, so the report goes to the right place."""
