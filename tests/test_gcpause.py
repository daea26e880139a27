"""lawtrail.gcpause: the collector is paused over a batch and always on again after it."""

import gc
import threading

import pytest

from lawtrail.gcpause import paused_gc


def test_the_collector_is_off_inside_a_batch_and_on_again_after_it_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with paused_gc():
            assert not gc.isenabled()
            with paused_gc():  # facts.load_many inside a stored batch
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner pause does not end the outer one
            raise ValueError
    assert gc.isenabled()


def test_a_pause_that_found_the_collector_off_leaves_it_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_in_two_threads_end_with_the_collector_on():
    inside, release = threading.Barrier(2), threading.Event()

    def batch():
        with paused_gc():
            inside.wait()
            release.wait(5)

    t = threading.Thread(target=batch)
    t.start()
    with paused_gc():
        inside.wait()
    release.set()  # the other thread's batch ends after this one
    t.join()
    assert gc.isenabled()
