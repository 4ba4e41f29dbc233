"""Referral pathways, Django-free: the pathway definition schema (``pathways``), the rule engine that picks a track
and works out deadlines from a date of birth and an incident (``rules``), and re-offending follow-up against the
workspace's pseudonymised RMS involvements (``reoffending``)."""
