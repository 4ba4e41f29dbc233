"""svduty: the Serious Violence Duty loop for one partnership."""

__version__ = "0.1.0"
