import pytest

from lawtrail.ledger import keys, store


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    """Each test signs with keys of its own, created on first use like at first start."""
    settings.LAWTRAIL_KEYS_DIR = tmp_path / "keys"
    # Personas are built per test; PBKDF2's deliberate slowness would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    keys.load.cache_clear()
    store.forget_cached_tree()
    yield
    keys.load.cache_clear()
    store.forget_cached_tree()
