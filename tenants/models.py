"""Councils (the tenant model) and their domains: the public schema's record of who is on the platform."""

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Council(TenantMixin):
    name = models.CharField(
        max_length=150, help_text="As it appears to the public, e.g. Oxfordshire County Council"
    )
    short_name = models.CharField(
        max_length=60, help_text="Used in headings and notifications, e.g. Oxfordshire"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
