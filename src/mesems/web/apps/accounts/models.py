"""Users with one trial role each; site roles belong to one site."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.access import Role
from mesems.access.roles import ROLE_LABELS


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=40, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    site = models.ForeignKey("trials.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    @property
    def trial_role(self) -> Role:
        return Role(self.role)


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def __str__(self) -> str:
        return f"token of {self.user}"
