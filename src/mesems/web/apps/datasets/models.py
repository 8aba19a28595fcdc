"""Who took which report or export of the trial's data, when, how, and what exactly they got.

A row is written for every report or export handed over (and for every refused attempt at an
unblinded one), in the same transaction as its audit-trail record. The digests name the data
(`snapshot_digest`, the SHA-256 of the dumped tables as `mesems.stats.snapshot` computes it) and
the bytes handed over (`file_digest`), so a report or a file found later can be traced to its row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    CLI = "cli", _("Command line")


class Outcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused")


class Taking(models.Model):
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.CharField(_("taken by"), max_length=150, help_text="username, or 'system' for the command line without --user")
    role = models.CharField(_("role"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    blinded = models.BooleanField(_("blinded"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.DELIVERED)
    detail = models.TextField(_("detail"), blank=True, help_text="why it was refused")
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    snapshot_digest = models.CharField(_("data snapshot digest"), max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_digest = models.CharField(_("file digest (SHA-256)"), max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    protocol_id = models.CharField(_("protocol"), max_length=64, blank=True)
    protocol_digest = models.CharField(_("protocol digest"), max_length=64, blank=True)
    software_version = models.CharField(_("mesems version"), max_length=40, blank=True)

    class Meta:
        abstract = True
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ExportRecord(Taking):
    class Kind(models.TextChoices):
        CSV = "csv", _("CSV and Parquet (zip)")
        ODM = "odm", _("CDISC ODM 1.3.2 (XML)")
        SDTM = "sdtm", _("SDTM with define.xml (zip)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)

    class Meta(Taking.Meta):
        verbose_name = _("export record")

    @property
    def what(self) -> str:
        return str(self.get_kind_display())


class ReportRecord(Taking):
    class Format(models.TextChoices):
        HTML = "html", _("HTML")
        PDF = "pdf", _("PDF")

    format = models.CharField(_("format"), max_length=8, choices=Format.choices)

    class Meta(Taking.Meta):
        verbose_name = _("report record")

    @property
    def what(self) -> str:
        return f"{_('Trial report')} ({self.get_format_display()})"
