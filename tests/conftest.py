import pytest

from lawtrail.ledger import keys, store


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    """Each test signs with keys of its own, created on first use like at first start."""
    settings.LAWTRAIL_KEYS_DIR = tmp_path / "keys"
    keys.load.cache_clear()
    store.forget_cached_tree()
    yield
    keys.load.cache_clear()
    store.forget_cached_tree()
