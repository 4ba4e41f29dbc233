"""Case pseudonyms: the RMS ingest's keyed HMAC (``svduty.data.pseudonymise``) under the workspace's key, so a case's
person is the same ``person_id`` the police records carry when the source identifier and namespace match."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from svduty.data.pseudonymise import pseudonym, workspace_key

DEFAULT_NAMESPACE = "rms"


def default_namespace() -> str:
    """The RMS mapping's person namespace (its ``person_namespace``, else its ``force``): $SVDUTY_PERSON_NAMESPACE."""
    return getattr(settings, "SVDUTY_PERSON_NAMESPACE", None) or os.environ.get(
        "SVDUTY_PERSON_NAMESPACE", DEFAULT_NAMESPACE
    )


def workspace_dir() -> Path:
    path = Path(settings.WORKSPACE)
    path.mkdir(parents=True, exist_ok=True)
    return path


def person_pseudonym(namespace: str, source_ref: str) -> str:
    return pseudonym(workspace_key(workspace_dir()), namespace, source_ref)
