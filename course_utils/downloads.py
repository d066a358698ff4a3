"""Bigger downloads for learners who are online: cached, checksummed, resumable, with a progress bar.

Taught in notebooks/03_word2vec.ipynb (text8). Offline machines get a clear OfflineError at once.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

from course_utils.errors import CourseError, OfflineError
from course_utils.network import is_online

CHUNK = 1 << 16


def cache_dir() -> Path:
    """Where downloads are kept: $COURSE_CACHE or ~/.cache/embeddings-course. Internal to course_utils.

    A ``~`` in COURSE_CACHE is expanded; an empty value means unset (never the working directory).
    """
    value = os.environ.get("COURSE_CACHE", "").strip()
    path = Path(value).expanduser() if value else Path.home() / ".cache" / "embeddings-course"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest (lower case) of a file, read in chunks. Internal to course_utils."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _normalise_checksum(checksum: str | None) -> str | None:
    if checksum is None:
        return None
    if not isinstance(checksum, str) or not checksum.strip():
        raise CourseError(f"checksum must be a hex digest string, got {checksum!r}.")
    return checksum.strip().lower()  # hex digests are case-insensitive: 'ABC' and 'abc' are the same file


def _is_cached(dest: Path, checksum: str | None, algorithm: str) -> bool:
    return dest.is_file() and dest.stat().st_size > 0 and (checksum is None or file_digest(dest, algorithm) == checksum)


def download(url: str, dest: Path, checksum: str | None = None, algorithm: str = "sha256",
             progress: bool = True, timeout: float = 30.0) -> Path:
    """Download url to dest, resuming a partial .part file and verifying the checksum. Internal to course_utils."""
    from tqdm.auto import tqdm

    dest = Path(dest)
    checksum = _normalise_checksum(checksum)
    if _is_cached(dest, checksum, algorithm):
        return dest  # cached
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:  # the part file is already complete
            response = None
        else:
            raise CourseError(f"Download of {url} failed: HTTP {err.code}. Try again later.") from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise OfflineError(f"Cannot reach {url} ({err}). Check the internet connection and run the cell again; "
                           f"a partial download is kept in {part} and resumes.") from err
    if response is not None:
        with response:
            resumed = have and response.status == 206
            if not resumed:
                have = 0  # the server ignored Range: start again
            total = response.headers.get("Content-Length")
            total = int(total) + have if total is not None else None
            with open(part, "ab" if resumed else "wb") as out, tqdm(
                total=total, initial=have, unit="B", unit_scale=True, desc=dest.name, disable=not progress
            ) as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
            if total is not None and part.stat().st_size != total:
                raise OfflineError(f"The download of {url} stopped early ({part.stat().st_size:,} of {total:,} bytes). "
                                   f"Run the cell again: it resumes from {part}.")
    if checksum is not None:
        got = file_digest(part, algorithm)
        if got != checksum:
            part.unlink()
            raise CourseError(f"Checksum mismatch for {url}: expected {checksum}, got {got}. "
                              "The corrupt file was deleted; run the cell again to download it afresh.")
    part.replace(dest)
    return dest


def _require_online(what: str) -> None:
    if not is_online():
        raise OfflineError(f"{what} must be downloaded and this machine is offline. Connect to the internet, "
                           "unset COURSE_OFFLINE, and run the cell again. The course's bundled data works offline.")


# ---------------------------------------------------------------- completeness markers for extracted data
def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".complete.json")


def _tree_size(path: Path) -> tuple[int, int]:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _mark_complete(path: Path) -> None:
    """Record how many files and bytes an extraction produced, so a cut-short copy is noticed later."""
    n_files, n_bytes = _tree_size(path)
    _marker(path).write_text(json.dumps({"files": n_files, "bytes": n_bytes}))


def _is_complete(path: Path) -> bool:
    """True when path exists and still has the files and bytes recorded when it was extracted."""
    if not path.exists() or not _marker(path).exists():
        return False
    try:
        expected = json.loads(_marker(path).read_text())
        return _tree_size(path) == (expected["files"], expected["bytes"])
    except (ValueError, KeyError, TypeError):
        return False


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    _marker(path).unlink(missing_ok=True)


def _cached_text8_md5() -> str | None:
    """text8.gz's md5 from the cached gensim-data list, or None when it is missing or unreadable (truncated)."""
    path = cache_dir() / "gensim-data-list.json"
    try:
        return str(json.loads(path.read_text())["corpora"]["text8"]["checksum"]).lower()
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # a truncated or foreign file: fetch it again when online
        return None


def fetch_text8(base_url: str | None = None, list_url: str | None = None, progress: bool = True) -> Path:
    """gensim-data's text8 (100 MB of Wikipedia, 17M words), cached, md5-checked. Taught in notebooks/03_word2vec.ipynb.

    The cache is checked first, so a learner who downloaded it yesterday works offline today; an extracted file
    that was cut short (its size differs from the one recorded at extraction) is extracted again from the
    cached archive, and a truncated cached list or archive is downloaded again.
    """
    import gensim.downloader as gd

    target = cache_dir() / "text8"
    if _is_complete(target):
        return target
    _remove(target)
    gz_path = cache_dir() / "text8.gz"
    md5 = _cached_text8_md5()
    if md5 is None or not _is_cached(gz_path, md5, "md5"):
        if base_url is None:
            _require_online("text8 (31 MB compressed)")
        download(list_url or gd.DATA_LIST_URL, cache_dir() / "gensim-data-list.json", progress=False)
        md5 = _cached_text8_md5()
        if md5 is None:
            raise CourseError("gensim-data's list does not give text8's checksum: try again later.")
        download(f"{base_url or gd.DOWNLOAD_BASE_URL}/text8/text8.gz", gz_path, checksum=md5, algorithm="md5",
                 progress=progress)
    tmp = target.with_suffix(".tmp")
    with gzip.open(gz_path, "rb") as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out)
    tmp.replace(target)
    _mark_complete(target)
    return target


def fetch_20newsgroups(url: str | None = None, checksum: str | None = None, subset: str = "train",
                       progress: bool = True) -> tuple[list[str], list[int], list[str]]:
    """The full 20 Newsgroups by-date split (cached, checksummed), headers removed. Taught in notebooks/02_bow_tfidf.ipynb.

    Uses the cached extraction (checked complete) or the cached archive (checked by scikit-learn's checksum)
    before it asks the network.
    """
    from sklearn.datasets import load_files
    from sklearn.datasets._twenty_newsgroups import (
        ARCHIVE,
        strip_newsgroup_footer,
        strip_newsgroup_header,
        strip_newsgroup_quoting,
    )

    if subset not in {"train", "test"}:
        raise CourseError(f"subset must be 'train' or 'test', got {subset!r}.")
    folder = cache_dir() / "20news-bydate"
    if not _is_complete(folder):
        _remove(folder)
        archive_path = cache_dir() / ARCHIVE.filename
        expected = _normalise_checksum(checksum or ARCHIVE.checksum)
        if url is None and not _is_cached(archive_path, expected, "sha256"):
            _require_online("20 Newsgroups (14 MB)")
        archive = download(url or ARCHIVE.url, archive_path, checksum=expected, progress=progress)
        tmp = folder.with_suffix(".tmp")
        _remove(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        tmp.replace(folder)
        _mark_complete(folder)
    bunch = load_files(str(folder / f"20news-bydate-{subset}"), encoding="latin-1")
    texts = [strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(t))) for t in bunch.data]
    return texts, [int(t) for t in bunch.target], list(bunch.target_names)
