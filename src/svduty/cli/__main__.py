"""``python -m svduty.cli``: the same as the ``svduty`` command."""

from svduty.cli.main import app

app()
