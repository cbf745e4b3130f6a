"""data_access.concurrent.gather: concurrent, ordered, app context carried, errors raised."""

import threading
import time

import pytest
from flask import Flask, current_app

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
