"""data_access.concurrent.gather: concurrent, ordered, app context carried, errors raised."""

import os
import select
import signal
import threading
import time

import pytest
from flask import Flask, current_app

from data_access import concurrent
from data_access.concurrent import gather
from data_access.db import DataUnavailable


def test_results_in_order_and_run_at_the_same_time():
    barrier = threading.Barrier(3, timeout=5)  # passes only if three calls are in flight at once

    def call(i):
        barrier.wait()
        return i * 10

    assert gather(lambda: call(1), lambda: call(2), lambda: call(3)) == [10, 20, 30]


def test_threads_see_the_app_and_errors_reach_the_caller():
    app = Flask("t")
    app.config["MARK"] = "here"
    with app.app_context():
        assert gather(lambda: current_app.config["MARK"], lambda: threading.current_thread().name)[0] == "here"

        def down():
            time.sleep(0.01)
            raise DataUnavailable("no server")

        with pytest.raises(DataUnavailable):
            gather(lambda: 1, down)


def test_one_pool_per_process_and_nested_calls_do_not_wait_on_it():
    names = set()

    def inner():
        names.add(threading.current_thread().name)
        # a gather inside a pool's call: in sequence, in the same thread (the pool never waits on itself)
        return gather(lambda: threading.current_thread().name, lambda: threading.current_thread().name)

    for _ in range(20):
        for pair in gather(inner, inner, inner):
            assert pair[0] == pair[1]
    assert all(n.startswith("psad-query") for n in names)
    assert len(names) <= concurrent.POOL_THREADS  # the same threads each time, not new ones per call


def test_a_forked_child_makes_its_own_pool():
    every = threading.Barrier(concurrent.POOL_THREADS, timeout=5)
    gather(*[every.wait] * concurrent.POOL_THREADS)  # the parent's pool has all its threads
    time.sleep(0.1)  # and they are idle (they have told the pool so) when the fork comes
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's threads are not here; a gather must still answer
        os.close(read)
        try:
            ok = gather(lambda: 1, lambda: 2) == [1, 2]
        except BaseException:  # noqa: BLE001 - report anything to the parent
            ok = False
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    done = select.select([read], [], [], 10)[0]
    if not done:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert done, "the child's gather hung: it waited on the parent's threads"
    assert os.read(read, 1) == b"1"
