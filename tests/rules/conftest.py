import pytest


@pytest.fixture(autouse=True)
def _media_root(media_in_tmp):
    """Every rules test keeps its AV in its own directory."""
