"""Reports (SNA, evaluation) assembled from analysis results: charts, maps, HTML and PDF."""


class ReportError(Exception):
    """A report cannot be built (missing data, unwritable output)."""
