"""The JSON API under /api/v1/ (django-ninja): cases, parties, complaints, for devices and other systems."""
