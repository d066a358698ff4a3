"""Measuring and reducing bias in embeddings: WEAT, a bias direction, hard debiasing. Taught in notebooks/10_bias.ipynb.

- WEAT (Caliskan, Bryson & Narayanan, Science 2017): association s(w, A, B), effect size d and a
  one-sided permutation p-value, on any vectors (static words, sentence embeddings, token vectors).
- A bias direction from definitional pairs by PCA (Bolukbasi et al., NeurIPS 2016), projections on it.
- Hard debiasing: neutralise (remove the component along the direction) and equalise pairs.
- The Gonen & Goldberg (NAACL 2019) check: are the most biased words still separable after debiasing?
Word lists: weat_word_lists.json (Caliskan et al. 2017) and gender_word_lists.json, package data in course_utils/wordlists/
(read with importlib.resources, so a non-editable `pip install .` has them too; sources in data/README.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.errors import CourseError, require_texts
from course_utils.vectors import l2_normalize, to_keyed_vectors

if TYPE_CHECKING:
    import pandas as pd
    from gensim.models import KeyedVectors

# The folder of the word lists inside the installed package (a Traversable: `/` and read_text work as on a Path).
DATA_DIR: Traversable = files("course_utils") / "wordlists"
WORD_RE = re.compile(r"^[a-z]+$")


# ---------------------------------------------------------------- word lists
def load_weat_tests(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The WEAT tests of Caliskan et al. (2017) with their word lists and published d. Taught in notebooks/10_bias.ipynb."""
    return _read_word_list(path, "weat_word_lists.json")["tests"]


def load_gender_lists(path: Path | None = None) -> dict[str, Any]:
    """Definitional pairs, equalise pairs, gender-specific words and professions. Taught in notebooks/10_bias.ipynb."""
    return _read_word_list(path, "gender_word_lists.json")


def _read_word_list(path: Path | str | None, name: str) -> dict[str, Any]:
    """The JSON file at path, or the package's own word list of that name."""
    source = Path(path) if path is not None else DATA_DIR / name
    return json.loads(source.read_text(encoding="utf-8"))


def lookup(kv: Any, words: Iterable[str], lower: bool = True) -> tuple[np.ndarray, list[str], list[str]]:
    """Vectors of the known words, the words found and the words missing. Taught in notebooks/10_bias.ipynb.

    Missing words are returned, never dropped silently.
    """
    words = require_texts(words, "words")
    found, missing = [], []
    for word in words:
        key = word.lower() if lower else word
        (found if key in kv.key_to_index else missing).append(key if key in kv.key_to_index else word)
    if not found:
        raise CourseError(f"None of the words {list(words)[:5]}... is in the vocabulary: check spelling and case.")
    return np.stack([np.asarray(kv[w], dtype=np.float64) for w in found]), found, missing


# ---------------------------------------------------------------- WEAT
def _unit(matrix: Any) -> np.ndarray:
    """Unit rows (course_utils.vectors.l2_normalize), but a zero row is refused: WEAT's cosines need a direction."""
    m = np.atleast_2d(np.asarray(matrix, dtype=np.float64))
    if not np.all(np.isfinite(m)):
        raise CourseError("A vector contains NaN or infinite values, so no cosine can be computed: "
                          "check how it was made (e.g. a division by zero) and remove it.")
    if np.any(np.linalg.norm(m, axis=1) == 0):
        raise CourseError("A zero vector has no direction, so its cosine similarity is undefined: remove it.")
    return l2_normalize(m)


def association(W: Any, A: Any, B: Any) -> np.ndarray:
    """s(w, A, B) = mean cos(w, a) - mean cos(w, b), for each row w of W. Taught in notebooks/10_bias.ipynb."""
    w, a, b = _unit(W), _unit(A), _unit(B)
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


def effect_size(X: Any, Y: Any, A: Any, B: Any) -> float:
    """WEAT d: (mean s over X - mean s over Y) / sample std of s over X and Y together. Taught in notebooks/10_bias.ipynb."""
    sx, sy = association(X, A, B), association(Y, A, B)
    spread = np.concatenate([sx, sy]).std(ddof=1)
    if not spread > 0:
        raise CourseError("Every target word has the same association s, so d (a gap divided by the spread of s) is "
                          "undefined: check that X and Y hold different words, at least 2 in all.")
    return float((sx.mean() - sy.mean()) / spread)


def _require_count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CourseError(f"{what} must be a whole number of at least 1 (e.g. 10_000), got {n!r}.")
    return int(n)


def permutation_p_value(X: Any, Y: Any, A: Any, B: Any, n_permutations: int = 10_000, seed: int = 0) -> float:
    """One-sided permutation p of the WEAT gap. Taught in notebooks/10_bias.ipynb.

    Share of random equal-size re-splits of X and Y with a mean difference at least as large (+1 smoothing).
    """
    n_permutations = _require_count(n_permutations, "n_permutations")
    sx, sy = association(X, A, B), association(Y, A, B)
    s = np.concatenate([sx, sy])
    observed = sx.mean() - sy.mean()
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.broadcast_to(s, (n_permutations, len(s))), axis=1)
    stats = shuffled[:, : len(sx)].mean(axis=1) - shuffled[:, len(sx):].mean(axis=1)
    return float((np.sum(stats >= observed - 1e-12) + 1) / (n_permutations + 1))


def effect_size_interval(X: Any, Y: Any, A: Any, B: Any, n_boot: int = 2_000, seed: int = 0,
                         level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of d, resampling the words of all four sets. Taught in notebooks/10_bias.ipynb.

    It shows how much d depends on which words the lists happen to contain.
    """
    n_boot = _require_count(n_boot, "n_boot")
    if not 0 < level < 1:
        raise CourseError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}.")
    x, y, a, b = _unit(X), _unit(Y), _unit(A), _unit(B)
    if min(len(x), len(y), len(a), len(b)) < 2:
        raise CourseError("Each of the four sets needs at least 2 words for a bootstrap interval.")
    cx_a, cx_b, cy_a, cy_b = x @ a.T, x @ b.T, y @ a.T, y @ b.T  # cosines, computed once
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot)
    for k in range(n_boot):
        ix, iy = rng.integers(len(x), size=len(x)), rng.integers(len(y), size=len(y))
        ia, ib = rng.integers(len(a), size=len(a)), rng.integers(len(b), size=len(b))
        sx = cx_a[np.ix_(ix, ia)].mean(1) - cx_b[np.ix_(ix, ib)].mean(1)
        sy = cy_a[np.ix_(iy, ia)].mean(1) - cy_b[np.ix_(iy, ib)].mean(1)
        spread = np.concatenate([sx, sy]).std(ddof=1)
        values[k] = (sx.mean() - sy.mean()) / spread if spread > 0 else np.nan
    values = values[np.isfinite(values)]
    tail = (1 - level) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


@dataclass(frozen=True)
class WeatResult:
    """One WEAT: effect size d, one-sided p-value, raw mean difference of s, set sizes, missing words, bootstrap interval of d."""

    d: float
    p: float
    difference: float
    sizes: tuple[int, int, int, int]
    missing: dict[str, list[str]] = field(default_factory=dict)
    d_interval: tuple[float, float] | None = None


def weat(X: Any, Y: Any, A: Any, B: Any, n_permutations: int = 10_000, seed: int = 0, n_boot: int = 0) -> WeatResult:
    """WEAT on four matrices of vectors (rows): d, permutation p, bootstrap interval. Taught in notebooks/10_bias.ipynb.

    The interval is computed when n_boot > 0.
    """
    sizes = tuple(len(np.atleast_2d(m)) for m in (X, Y, A, B))
    p = permutation_p_value(X, Y, A, B, n_permutations, seed)  # validates the vectors and the count first
    difference = float(association(X, A, B).mean() - association(Y, A, B).mean())
    interval = effect_size_interval(X, Y, A, B, n_boot, seed) if n_boot else None
    return WeatResult(effect_size(X, Y, A, B), p, difference, sizes, {}, interval)  # type: ignore[arg-type]


def weat_words(kv: Any, test: dict[str, Any], n_permutations: int = 10_000, seed: int = 0, n_boot: int = 0) -> WeatResult:
    """WEAT on a test of load_weat_tests() with a model's word vectors. Taught in notebooks/10_bias.ipynb.

    Words missing from the vocabulary are reported in ``missing``.
    """
    mats, missing = [], {}
    for key in "XYAB":
        if key not in test:
            raise CourseError(f"The test has no word set {key!r}: give a dict with lists under 'X', 'Y', 'A' and 'B'.")
        m, _, miss = lookup(kv, require_texts(test[key], f"test[{key!r}]"))
        mats.append(m)
        if miss:
            missing[test.get(f"{key}_name", key)] = miss
    result = weat(*mats, n_permutations=n_permutations, seed=seed, n_boot=n_boot)
    return WeatResult(result.d, result.p, result.difference, result.sizes, missing, result.d_interval)


def weat_table(kv: Any, tests: dict[str, dict[str, Any]], n_permutations: int = 10_000, seed: int = 0,
               n_boot: int = 0) -> pd.DataFrame:
    """Our d (interval if n_boot > 0) and p for each test beside the published d. Taught in notebooks/10_bias.ipynb."""
    import pandas as pd

    rows = []
    for name, test in tests.items():
        r = weat_words(kv, test, n_permutations, seed, n_boot)
        interval = {"d 95% interval": f"{r.d_interval[0]:.2f} to {r.d_interval[1]:.2f}"} if r.d_interval else {}
        rows.append({"test": name, "what": test["name"], "d (ours)": round(r.d, 2), **interval, "p (ours)": round(r.p, 4),
                     "mean s gap (ours)": round(r.difference, 3),
                     "d published (GloVe 840B)": test["published_d"], "words used": "/".join(map(str, r.sizes)),
                     "missing": "; ".join(f"{k}: {', '.join(v)}" for k, v in r.missing.items()) or "-"})
    return pd.DataFrame(rows).set_index("test")


# ---------------------------------------------------------------- bias direction
def pair_vectors(kv: Any, pairs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of the two sides of each pair; an unknown word raises with suggestions. Taught in notebooks/10_bias.ipynb."""
    from course_utils.models import word_vector

    if isinstance(pairs, str) or any(isinstance(p, str) or len(p) != 2 for p in pairs):
        raise CourseError("pairs must be a list of word pairs, e.g. [('she', 'he'), ('woman', 'man')].")
    if not len(pairs):
        raise CourseError("pairs is empty: give at least one pair, e.g. [('she', 'he')].")
    left = _unit(np.stack([word_vector(kv, a.lower()) for a, _ in pairs]))
    right = _unit(np.stack([word_vector(kv, b.lower()) for _, b in pairs]))
    return left, right


def bias_direction(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First principal component of the pair-centred vectors (Bolukbasi et al. 2016). Taught in notebooks/10_bias.ipynb.

    Signed towards `left`; also returns the explained-variance ratios.
    """
    from sklearn.decomposition import PCA

    left, right = _unit(left), _unit(right)
    centre = (left + right) / 2
    pca = PCA(n_components=min(10, 2 * len(left))).fit(np.vstack([left - centre, right - centre]))
    direction = pca.components_[0]
    if np.mean((left - right) @ direction) < 0:
        direction = -direction
    return direction / np.linalg.norm(direction), pca.explained_variance_ratio_


def projection(vectors: Any, direction: np.ndarray) -> np.ndarray:
    """Cosine of each row with the direction (its signed projection after unit-normalising). Taught in notebooks/10_bias.ipynb."""
    direction = np.asarray(direction, dtype=float).reshape(-1)
    norm = float(np.linalg.norm(direction)) if np.all(np.isfinite(direction)) else float("nan")
    if not norm > 1e-12:
        raise CourseError("direction must be a non-zero vector without NaN (a zero vector has no direction): "
                          "build it with gender_direction(...) or as the difference of two word vectors.")
    return _unit(vectors) @ (direction / norm)


# ---------------------------------------------------------------- hard debiasing
def neutralize(vectors: Any, direction: np.ndarray) -> np.ndarray:
    """Remove each row's component along the direction, then unit-normalise. Taught in notebooks/10_bias.ipynb.

    Hard debiasing, step 1.
    """
    g = direction / np.linalg.norm(direction)
    v = _unit(vectors)
    return _unit(v - np.outer(v @ g, g))


def equalize(a: Any, b: Any, direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make a pair differ only along the direction, equidistant from every neutral word. Taught in notebooks/10_bias.ipynb.

    Hard debiasing, step 2; both keep unit length.
    """
    g = direction / np.linalg.norm(direction)
    a, b = _unit(a)[0], _unit(b)[0]
    mu = (a + b) / 2
    nu = mu - (mu @ g) * g
    scale = np.sqrt(max(1.0 - nu @ nu, 0.0))
    side = np.sign((a - b) @ g) or 1.0
    return nu + side * scale * g, nu - side * scale * g


def neutral_words(kv: Any, gender_specific: Iterable[str], restrict: int = 50_000) -> list[str]:
    """Lower-case alphabetic frequent words that are not gender-specific. Taught in notebooks/10_bias.ipynb.

    Among the `restrict` most frequent words.
    """
    specific = {w.lower() for w in require_texts(gender_specific, "gender_specific")}
    return [w for w in kv.index_to_key[:restrict] if WORD_RE.match(w) and w not in specific]


def hard_debias(kv: Any, direction: np.ndarray, gender_specific: Iterable[str],
                equalize_pairs: Sequence[Sequence[str]], restrict: int = 50_000) -> KeyedVectors:
    """Hard debiasing (Bolukbasi et al. 2016): neutralise and equalise. Taught in notebooks/10_bias.ipynb.

    Unit-normalises, neutralises the neutral words, equalises the pairs.
    """
    matrix = l2_normalize(np.asarray(kv.vectors, dtype=np.float32), "kv.vectors")
    rows = [kv.key_to_index[w] for w in neutral_words(kv, gender_specific, restrict)]
    matrix[rows] = neutralize(matrix[rows], direction).astype(np.float32)
    for a, b in equalize_pairs:
        a, b = a.lower(), b.lower()
        if a in kv.key_to_index and b in kv.key_to_index:
            ia, ib = kv.key_to_index[a], kv.key_to_index[b]
            matrix[ia], matrix[ib] = equalize(matrix[ia], matrix[ib], direction)
    return to_keyed_vectors(list(kv.index_to_key), matrix)


# ---------------------------------------------------------------- Gonen & Goldberg (2019)
def most_biased(kv: Any, direction: np.ndarray, words: Sequence[str], n: int = 500) -> tuple[list[str], list[str]]:
    """The n words with the most positive and the n with the most negative projection. Taught in notebooks/10_bias.ipynb."""
    proj = projection(np.stack([kv[w] for w in words]), direction)
    order = np.argsort(proj, kind="stable")
    return [words[i] for i in order[::-1][:n]], [words[i] for i in order[:n]]


def cluster_accuracy(vectors: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """k-means (k=2) on the vectors: share of words whose cluster matches their label. Taught in notebooks/10_bias.ipynb.

    Best of both matchings of clusters to labels.
    """
    from sklearn.cluster import KMeans

    matrix = np.asarray(vectors, dtype=float) if not isinstance(vectors, str) else np.empty((0, 0))
    labels = np.asarray(labels).reshape(-1)
    if matrix.ndim != 2 or len(matrix) < 2:
        raise CourseError("vectors must be a matrix with one row per word and at least 2 words, "
                          f"got shape {matrix.shape}: stack them with np.stack([kv[w] for w in words]).")
    if len(labels) != len(matrix) or len(set(labels.tolist())) != 2:
        raise CourseError(f"labels must give one of two labels per word: {len(labels)} labels with "
                          f"{len(set(labels.tolist()))} distinct values for {len(matrix)} vectors.")
    clusters = KMeans(n_clusters=2, n_init=10, random_state=seed).fit_predict(_unit(matrix))
    agree = float(np.mean(clusters == (labels == labels[0]).astype(int)))
    return max(agree, 1.0 - agree)


# ---------------------------------------------------------------- contextual models
def sentences_from_templates(words: Sequence[str], templates: Sequence[str]) -> list[str]:
    """Each word put into each template ('This is {}.'), word-major order. Taught in notebooks/10_bias.ipynb.

    As in SEAT (May et al. 2019).
    """
    words = require_texts(words, "words")
    templates = require_texts(templates, "templates")
    if any(t.count("{}") != 1 for t in templates):
        raise CourseError("Every template needs one '{}' where the word goes, e.g. 'This is {}.'.")
    return [t.format(w) for w in words for t in templates]


def seat(encode: Callable[[list[str]], np.ndarray], test: dict[str, Any], templates: dict[str, Sequence[str]],
         n_permutations: int = 10_000, seed: int = 0, n_boot: int = 0) -> WeatResult:
    """SEAT: WEAT over sentence embeddings of words put into templates. Taught in notebooks/10_bias.ipynb.

    templates is keyed by 'X', 'Y', 'A', 'B' or 'default'.
    """
    if not isinstance(templates, dict):
        raise CourseError("templates must be a dict such as {'default': ['This is {}.']} (keys 'X', 'Y', 'A', 'B' override).")
    mats = []
    for key in "XYAB":
        if key not in templates and "default" not in templates:
            raise CourseError(f"No templates for set {key!r}: add a 'default' entry, e.g. {{'default': ['This is {{}}.']}}.")
        sents = sentences_from_templates(test[key], templates.get(key, templates.get("default")))
        mats.append(np.asarray(encode(sents), dtype=np.float64))
    return weat(*mats, n_permutations=n_permutations, seed=seed, n_boot=n_boot)


# ---------------------------------------------------------------- interactive explorer
def explore(kv: Any, targets: str, attribute_a: str, attribute_b: str, direction: np.ndarray | None = None) -> pd.DataFrame:
    """For each target word: s(w, A, B) and its projection on a direction. Taught in notebooks/10_bias.ipynb.

    Missing words are listed in ``table.attrs['missing']``.
    """
    import pandas as pd

    def words(text: str, what: str) -> list[str]:
        items = [w for w in re.split(r"[,\s]+", text.strip().lower()) if w]
        if not items:
            raise CourseError(f"{what} is empty: type words separated by commas or spaces.")
        return items

    t, t_found, t_missing = lookup(kv, words(targets, "targets"))
    a, _, a_missing = lookup(kv, words(attribute_a, "attribute set A"))
    b, _, b_missing = lookup(kv, words(attribute_b, "attribute set B"))
    table = pd.DataFrame({"word": t_found, "s(w, A, B)": association(t, a, b).round(3)})
    if direction is not None:
        table["projection"] = projection(t, direction).round(3)
    table = table.sort_values("s(w, A, B)", ascending=False, kind="stable").reset_index(drop=True)
    missing = t_missing + a_missing + b_missing
    table.attrs["missing"] = missing
    return table
