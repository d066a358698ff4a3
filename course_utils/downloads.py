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
    """Where downloads are kept: $COURSE_CACHE or ~/.cache/embeddings-course. Internal to course_utils."""
    path = Path(os.environ.get("COURSE_CACHE", Path.home() / ".cache" / "embeddings-course"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks. Internal to course_utils."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def download(url: str, dest: Path, checksum: str | None = None, algorithm: str = "sha256",
             progress: bool = True, timeout: float = 30.0) -> Path:
    """Download url to dest, resuming a partial .part file and verifying the checksum. Internal to course_utils."""
    from tqdm.auto import tqdm

    dest = Path(dest)
    if dest.exists() and (checksum is None or file_digest(dest, algorithm) == checksum):
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


def fetch_text8(base_url: str | None = None, list_url: str | None = None, progress: bool = True) -> Path:
    """gensim-data's text8 (100 MB of Wikipedia, 17M words), cached, md5-checked. Taught in notebooks/03_word2vec.ipynb."""
    import gensim.downloader as gd

    if base_url is None:
        _require_online("text8 (31 MB compressed)")
    base_url = base_url or gd.DOWNLOAD_BASE_URL
    list_url = list_url or gd.DATA_LIST_URL
    target = cache_dir() / "text8"
    if target.exists():
        return target
    info_path = download(list_url, cache_dir() / "gensim-data-list.json", progress=False)
    md5 = json.loads(info_path.read_text())["corpora"]["text8"]["checksum"]
    gz = download(f"{base_url}/text8/text8.gz", cache_dir() / "text8.gz", checksum=md5, algorithm="md5", progress=progress)
    with gzip.open(gz, "rb") as src, open(target.with_suffix(".tmp"), "wb") as out:
        shutil.copyfileobj(src, out)
    target.with_suffix(".tmp").replace(target)
    return target


def fetch_20newsgroups(url: str | None = None, checksum: str | None = None, subset: str = "train",
                       progress: bool = True) -> tuple[list[str], list[int], list[str]]:
    """The full 20 Newsgroups by-date split (cached, checksummed), headers removed. Taught in notebooks/02_bow_tfidf.ipynb."""
    from sklearn.datasets import load_files
    from sklearn.datasets._twenty_newsgroups import (
        ARCHIVE,
        strip_newsgroup_footer,
        strip_newsgroup_header,
        strip_newsgroup_quoting,
    )

    if subset not in {"train", "test"}:
        raise CourseError(f"subset must be 'train' or 'test', got {subset!r}.")
    if url is None:
        _require_online("20 Newsgroups (14 MB)")
    archive = download(url or ARCHIVE.url, cache_dir() / ARCHIVE.filename,
                       checksum=checksum or ARCHIVE.checksum, progress=progress)
    folder = cache_dir() / "20news-bydate"
    if not folder.exists():
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder.with_suffix(".tmp"), filter="data")
        folder.with_suffix(".tmp").replace(folder)
    bunch = load_files(str(folder / f"20news-bydate-{subset}"), encoding="latin-1")
    texts = [strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(t))) for t in bunch.data]
    return texts, [int(t) for t in bunch.target], list(bunch.target_names)
