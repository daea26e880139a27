"""Accounts, organisation (bureaus, units), roles, object permissions, login throttling, API tokens."""
