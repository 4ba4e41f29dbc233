"""Aggregate figures for a pathway page: counts by track and state, referrals by state and outcome, re-offending at
each follow-up point with Wilson 95% intervals beside the partnership's comparison figure. No identities."""

from __future__ import annotations

from django.db.models import Count

from svduty.analysis.referrals.reoffending import wilson_interval

from .models import Case, FollowUp, Referral


def pathway_figures(pathway) -> dict:
    cases = Case.objects.filter(pathway=pathway)
    spec = pathway.spec
    by_track = dict(cases.values_list("track").annotate(n=Count("pk")))
    tracks = []
    for track in spec.tracks:
        track_cases = cases.filter(track=track.slug)
        points = []
        for months in spec.follow_up_months:
            checked = FollowUp.objects.filter(case__in=track_cases, months=months, checked_at__isnull=False)
            rate = wilson_interval(checked.filter(reoffended=True).count(), checked.count())
            pct = None if rate.rate is None else [round(100 * v, 1) for v in (rate.rate, rate.low, rate.high)]
            points.append({"months": months, "rate": rate, "pct": pct})
        tracks.append({"track": track, "cases": by_track.get(track.slug, 0), "points": points})
    referrals = Referral.objects.filter(case__pathway=pathway)
    done = referrals.filter(state="done")
    reasons = dict(done.filter(successful=False).values_list("done_reason").annotate(n=Count("pk")))
    return {
        "total": cases.count(),
        "states": dict(cases.values_list("state").annotate(n=Count("pk"))),
        "outcomes": dict(cases.exclude(close_outcome="").values_list("close_outcome").annotate(n=Count("pk"))),
        "tracks": tracks,
        "referral_states": dict(referrals.values_list("state").annotate(n=Count("pk"))),
        "referrals_successful": done.filter(successful=True).count(),
        "referrals_unsuccessful": done.filter(successful=False).count(),
        "unsuccessful_reasons": reasons,
        "synthetic": cases.filter(is_synthetic=True).count(),
    }
