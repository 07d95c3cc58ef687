"""Counsel's review: the checklist and its renderers."""
