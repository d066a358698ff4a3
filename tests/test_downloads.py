"""course_utils.downloads against a loopback HTTP server: resume, checksum, cache, text8, 20 Newsgroups, offline."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import socket
import tarfile
import threading
import time
from pathlib import Path

import pytest

from course_utils import downloads
from course_utils.errors import CourseError, OfflineError

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves FILES by path, honouring 'Range: bytes=N-' unless the server says not to."""

    files: dict[str, bytes] = {}
    requests: list[tuple[str, str | None]] = []
    honour_range = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.requests.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        status, start = 200, 0
        rng = self.headers.get("Range")
        if rng and self.honour_range:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(body):
                self.send_error(416)
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) - start))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args: object) -> None:  # keep the test output quiet
        pass


@pytest.fixture()
def server():
    Handler.files, Handler.requests, Handler.honour_range = {}, [], True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", Handler
    httpd.shutdown()
    httpd.server_close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_download_fetches_verifies_and_caches(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD
    dest = tmp_path / "data.bin"
    assert downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False) == dest
    assert dest.read_bytes() == PAYLOAD and not dest.with_name("data.bin.part").exists()
    downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    assert len(handler.requests) == 1  # the second call used the cache


def test_download_resumes_a_partial_file_with_range(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD
    dest = tmp_path / "data.bin"
    dest.with_name("data.bin.part").write_bytes(PAYLOAD[:30_000])
    downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    assert handler.requests == [("/data.bin", "bytes=30000-")]
    assert dest.read_bytes() == PAYLOAD


def test_download_restarts_when_the_server_ignores_range(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD
    handler.honour_range = False
    dest = tmp_path / "data.bin"
    dest.with_name("data.bin.part").write_bytes(b"stale bytes")
    downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_download_completes_a_part_file_that_is_already_whole(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD
    dest = tmp_path / "data.bin"
    dest.with_name("data.bin.part").write_bytes(PAYLOAD)  # the server answers 416
    downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_download_deletes_a_corrupt_file_and_says_so(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD[:-1] + b"X"
    dest = tmp_path / "data.bin"
    with pytest.raises(CourseError, match="Checksum mismatch.*deleted"):
        downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    assert not dest.exists() and not dest.with_name("data.bin.part").exists()


def test_download_http_error_and_unreachable_host(server, tmp_path):
    base, _ = server
    with pytest.raises(CourseError, match="HTTP 404"):
        downloads.download(f"{base}/missing", tmp_path / "missing", progress=False)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OfflineError, match="Cannot reach"):
        downloads.download(f"http://127.0.0.1:{port}/x", tmp_path / "x", progress=False, timeout=5)


TEXT8_SAMPLE = b" anarchism originated as a term of abuse first used against early working class radicals" * 50


def test_fetch_text8_from_a_loopback_mirror(server):
    base, handler = server
    gz = gzip.compress(TEXT8_SAMPLE)
    handler.files["/text8/text8.gz"] = gz
    handler.files["/list.json"] = json.dumps(
        {"corpora": {"text8": {"checksum": hashlib.md5(gz).hexdigest()}}, "models": {}}).encode()
    path = downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    assert path == downloads.cache_dir() / "text8"
    assert path.read_bytes() == TEXT8_SAMPLE
    from gensim.models.word2vec import Text8Corpus

    assert next(iter(Text8Corpus(str(path))))[:3] == ["anarchism", "originated", "as"]
    n = len(handler.requests)
    downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    assert len(handler.requests) == n  # cached


def test_fetch_text8_rejects_a_corrupt_archive(server):
    base, handler = server
    handler.files["/text8/text8.gz"] = gzip.compress(TEXT8_SAMPLE)
    handler.files["/list.json"] = json.dumps({"corpora": {"text8": {"checksum": "0" * 32}}}).encode()
    with pytest.raises(CourseError, match="Checksum mismatch"):
        downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    assert not (downloads.cache_dir() / "text8").exists()


def newsgroups_archive() -> bytes:
    posts = {
        "20news-bydate-train/alt.atheism/1": "From: a@b.c\nSubject: god\n\nIs there a god?\n\n-- \nsig",
        "20news-bydate-train/alt.atheism/2": "From: d@e.f\nSubject: faith\n\nFaith and reason.",
        "20news-bydate-train/sci.space/3": "From: g@h.i\nSubject: orbit\n\nThe shuttle reached orbit.",
        "20news-bydate-test/sci.space/4": "From: j@k.l\nSubject: moon\n\nThe moon landing.",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in posts.items():
            data = text.encode("latin-1")
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), time.time()
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_fetch_20newsgroups_from_a_loopback_mirror(server):
    base, handler = server
    archive = newsgroups_archive()
    handler.files["/20news-bydate.tar.gz"] = archive
    texts, labels, names = downloads.fetch_20newsgroups(url=f"{base}/20news-bydate.tar.gz", checksum=sha256(archive),
                                                        progress=False)
    assert names == ["alt.atheism", "sci.space"]
    assert sorted(labels) == [0, 0, 1]
    assert "The shuttle reached orbit." in texts
    assert not any("From:" in t or "sig" in t for t in texts)  # headers and signatures removed
    test_texts, _, _ = downloads.fetch_20newsgroups(url=f"{base}/20news-bydate.tar.gz", checksum=sha256(archive),
                                                    subset="test", progress=False)
    assert test_texts == ["The moon landing."]
    with pytest.raises(CourseError, match="subset"):
        downloads.fetch_20newsgroups(url=f"{base}/x", subset="dev")


def test_offline_fails_at_once_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    start = time.perf_counter()
    with pytest.raises(OfflineError, match="offline"):
        downloads.fetch_text8()
    with pytest.raises(OfflineError, match="20 Newsgroups"):
        downloads.fetch_20newsgroups()
    assert time.perf_counter() - start < 1.0
    assert not (Path(downloads.cache_dir()) / "text8").exists()


def _serve_text8(handler):
    gz = gzip.compress(TEXT8_SAMPLE)
    handler.files["/text8/text8.gz"] = gz
    handler.files["/list.json"] = json.dumps(
        {"corpora": {"text8": {"checksum": hashlib.md5(gz).hexdigest()}}, "models": {}}).encode()


def test_fetch_text8_uses_the_cache_before_the_network(server, monkeypatch):
    base, handler = server
    _serve_text8(handler)
    downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert downloads.fetch_text8().read_bytes() == TEXT8_SAMPLE  # offline today, downloaded yesterday


def test_a_cut_short_text8_is_extracted_again_offline(server, monkeypatch):
    base, handler = server
    _serve_text8(handler)
    path = downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    path.write_bytes(TEXT8_SAMPLE[:100])  # an interrupted copy
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert downloads.fetch_text8().read_bytes() == TEXT8_SAMPLE


def test_a_truncated_cached_list_is_fetched_again(server):
    base, handler = server
    _serve_text8(handler)
    (downloads.cache_dir() / "gensim-data-list.json").write_text('{"corpora": {"tex')
    path = downloads.fetch_text8(base_url=base, list_url=f"{base}/list.json", progress=False)
    assert path.read_bytes() == TEXT8_SAMPLE
    assert json.loads((downloads.cache_dir() / "gensim-data-list.json").read_text())["corpora"]


def test_an_upper_case_checksum_keeps_a_good_file(server, tmp_path):
    base, handler = server
    handler.files["/data.bin"] = PAYLOAD
    dest = tmp_path / "data.bin"
    downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD), progress=False)
    n = len(handler.requests)
    assert downloads.download(f"{base}/data.bin", dest, checksum=sha256(PAYLOAD).upper(), progress=False) == dest
    assert dest.read_bytes() == PAYLOAD and len(handler.requests) == n  # not deleted, not fetched again


def test_fetch_20newsgroups_uses_the_cache_offline_and_notices_a_cut_short_file(server, monkeypatch):
    base, handler = server
    archive = newsgroups_archive()
    handler.files["/20news-bydate.tar.gz"] = archive
    url, checksum = f"{base}/20news-bydate.tar.gz", sha256(archive)
    downloads.fetch_20newsgroups(url=url, checksum=checksum, progress=False)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    post = downloads.cache_dir() / "20news-bydate" / "20news-bydate-train" / "sci.space" / "3"
    post.write_text("From: g@h.i\n")  # cut short
    n = len(handler.requests)
    texts, _, _ = downloads.fetch_20newsgroups(url=url, checksum=checksum, progress=False)
    assert "The shuttle reached orbit." in texts and len(handler.requests) == n  # re-extracted from the cached archive


@pytest.mark.parametrize("value, expected", [("~/course-cache-x", Path.home() / "course-cache-x"), ("", None),
                                             ("   ", None)])
def test_course_cache_expands_home_and_empty_means_default(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COURSE_CACHE", value)
    home = Path.home()
    assert home == tmp_path
    expected = home / "course-cache-x" if value.strip() else home / ".cache" / "embeddings-course"
    assert downloads.cache_dir() == expected and expected.is_dir()
    assert not Path("~").exists()
