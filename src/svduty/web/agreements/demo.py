"""Demo agreements for "Demoshire" (called from ``svduty.web.demo.load``): the ED's ISTV extract and the
admissions extract shared with the partnership, one current and one draft, and a DEMO signed copy."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from svduty.web.partnership.models import Organisation

from .models import DataSharingAgreement, SignedCopy
from .options import AgreementStatus, Article6, Article9, Gateway, Part3

DEMO_PDF = b"%PDF-1.4\n% DEMO DATA: not a real agreement\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load(officer, today: date) -> None:
    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    istv = DataSharingAgreement.objects.create(
        reference="DSA-DEMO-001",
        title="DEMO DATA: emergency department ISTV data to the Serious Violence Duty partnership",
        datasets=["istv"],
        purpose="Monthly anonymised ISTV minimum data set from the Demoshire Royal Infirmary ED to the partnership "
        "analyst, to map where and when assaults happen, including violence never reported to the police.",
        gateway=Gateway.PCSC_2022,
        article_6=Article6.PUBLIC_TASK,
        article_9=Article9.SUBSTANTIAL_PUBLIC_INTEREST,
        dpa_condition="Schedule 1 part 2 paragraph 6 (statutory and government purposes)",
        retention="Extracts kept 24 months from receipt in the analysts' workspace, then deleted; published outputs "
        "aggregate only, no free-text locations.",
        starts_on=date(today.year - 1, 4, 1),
        review_on=date(today.year, 3, 31),
        ends_on=date(today.year + 2, 3, 31),
        status=AgreementStatus.ACTIVE,
        dpia_done=True,
        created_by=officer,
    )
    istv.parties.set([orgs["Demoshire Integrated Care Board"], orgs["Demoshire Police and Crime Commissioner"]])
    copy = SignedCopy(
        agreement=istv,
        original_name="DSA-DEMO-001-signed.pdf",
        content_type="application/pdf",
        size=len(DEMO_PDF),
        uploaded_by=officer,
    )
    copy.file.save("DSA-DEMO-001-signed.pdf", ContentFile(DEMO_PDF), save=True)
    admissions = DataSharingAgreement.objects.create(
        reference="DSA-DEMO-002",
        title="DEMO DATA: hospital admissions for assault (success measure 1)",
        datasets=["admissions"],
        purpose="Quarterly admitted patient care extract (external cause X85-Y09) for the Duty's success measure 1.",
        gateway=Gateway.PCSC_2022,
        article_6=Article6.PUBLIC_TASK,
        article_9=Article9.HEALTH_CARE,
        part_3=Part3.NO,
        retention="Kept 5 years for trend measures, then deleted.",
        starts_on=date(today.year, 1, 1),
        review_on=date(today.year + 1, 1, 1),
        status=AgreementStatus.DRAFT,
        created_by=officer,
    )
    admissions.parties.set([orgs["Demoshire Integrated Care Board"], orgs["Demoshire County Council"]])
