import time

from course_utils import network


def test_offline_flag_answers_at_once(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    start = time.perf_counter()
    assert network.is_online() is False
    assert time.perf_counter() - start < 0.1


def test_hf_offline_flag_also_counts(monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert network.is_online() is False


def test_probe_is_cached_and_resettable(monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    calls = []

    def fake_connection(address, timeout):
        calls.append(address)
        raise OSError("no route")

    monkeypatch.setattr(network.socket, "create_connection", fake_connection)
    network.reset_online_cache()
    assert network.is_online() is False
    assert network.is_online() is False
    assert len(calls) == len(network.PROBE_HOSTS)  # probed once, then cached
    network.reset_online_cache()
