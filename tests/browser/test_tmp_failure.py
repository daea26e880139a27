from tests.factories import Org


def test_a_fails(page, live_server, log_in):
    Org.build()
    log_in("wenlv.zhang")
    assert False


def test_b_builds_again(page, live_server, log_in):
    Org.build()
