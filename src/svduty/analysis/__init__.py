"""Pure analysis functions: tables in, tables out. May import ``svduty.data`` (schema only)."""


class AnalysisError(Exception):
    """An analysis cannot run on the data given (empty selection, bad parameter)."""
