"""Choices for data-sharing agreements: status, the datasets svduty ingests, and the lawful bases partners cite.

Lawful bases follow what Serious Violence Duty partnerships cite (Home Office statutory guidance, data-sharing
chapter; ICO data sharing code of practice): the Duty's information-sharing power in the Police, Crime, Sentencing
and Courts Act 2022 as the statutory gateway; UK GDPR article 6 (usually 6(1)(e) public task) and, for health or
other special-category data, an article 9 condition with its Data Protection Act 2018 schedule 1 condition; DPA 2018
Part 3 for competent authorities processing for law-enforcement purposes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active (signed)")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Dataset(models.TextChoices):
    """The ingest sources of the svduty workspace (``svduty ingest <source>``)."""

    ISTV = "istv", _("A&E assault attendances (ISTV minimum data set)")
    ADMISSIONS = "admissions", _("Hospital admissions (external cause of injury)")
    RMS = "rms", _("Police record extract (RMS)")
    POLICE_UK = "police.uk", _("police.uk street-level crime (open data)")
    POPULATION = "population", _("Population estimates (open data)")


class Gateway(models.TextChoices):
    PCSC_2022 = (
        "pcsc-2022",
        _("Police, Crime, Sentencing and Courts Act 2022: Serious Violence Duty information sharing"),
    )
    CDA_1998_S115 = "cda-1998-s115", _("Crime and Disorder Act 1998, section 115")
    CONSENT = "consent", _("No statutory gateway: the data are anonymised or aggregate")
    OTHER = "other", _("Other (describe in the purpose)")


class Article6(models.TextChoices):
    PUBLIC_TASK = "6-1-e", _("UK GDPR article 6(1)(e): public task")
    LEGAL_OBLIGATION = "6-1-c", _("UK GDPR article 6(1)(c): legal obligation")
    LEGITIMATE_INTERESTS = (
        "6-1-f",
        _("UK GDPR article 6(1)(f): legitimate interests (not for public authorities' tasks)"),
    )
    NOT_PERSONAL = "none", _("Not personal data (anonymous or aggregate)")


class Article9(models.TextChoices):
    NONE = "", _("No special-category data")
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "9-2-g",
        _("Article 9(2)(g): substantial public interest (DPA 2018 schedule 1 part 2)"),
    )
    HEALTH_CARE = "9-2-h", _("Article 9(2)(h): health or social care (DPA 2018 schedule 1 part 1)")
    PUBLIC_HEALTH = "9-2-i", _("Article 9(2)(i): public health (DPA 2018 schedule 1 part 1)")


class Part3(models.TextChoices):
    NO = "", _("Not law-enforcement processing")
    YES = "dpa-2018-part-3", _("DPA 2018 part 3: law-enforcement processing by a competent authority")
