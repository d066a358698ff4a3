"""Language models in miniature: an ELMo-style biLM and a GPT-style decoder. Taught in notebooks/06_elmo_gpt_albert.ipynb.

Everything here is small enough to train on a laptop CPU in well under a minute: word-level vocabulary of
the corpus's frequent words, an adaptive softmax over it, fixed seeds and a fixed number of steps (so
training is deterministic on a given machine). torch is imported only when a model is built.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.errors import CourseError, UnknownWordError, require_int, require_text, require_texts
from course_utils.text import tokenize
from course_utils.threads import uses_free_cpus

PAD, UNK, EOS = "<pad>", "<unk>", "</s>"

#: The 20 sentences of the *bank* polysemy probe of notebooks/05_contextual_embeddings.ipynb (same order).
BANK_RIVER = (
    "We had a picnic on the grassy bank of the river.",
    "The fisherman sat on the bank and waited for a bite.",
    "After the storm the river burst its bank and flooded the fields.",
    "Willow trees grow along the muddy bank of the stream.",
    "She pulled the canoe up onto the bank before it drifted away.",
    "Ducks were nesting in the reeds near the bank of the pond.",
    "The children slid down the steep bank into the cold water.",
    "Erosion has worn away the south bank of the creek.",
    "A heron stood motionless on the far bank of the lake.",
    "They walked along the bank of the canal until sunset.",
)
BANK_MONEY = (
    "I need to go to the bank to deposit my salary.",
    "The bank approved our mortgage after a long wait.",
    "She opened a savings account at the local bank.",
    "The bank raised its interest rates again this year.",
    "He withdrew some cash from the bank on his way home.",
    "The central bank is worried about inflation.",
    "Thieves robbed the bank and escaped with the money.",
    "My bank charges a fee for every international transfer.",
    "The bank lent the company two million dollars.",
    "You can check your balance with the bank's mobile app.",
)


# ---------------------------------------------------------------- text -> ids
def lm_tokenize(text: str) -> list[str]:
    """The course tokeniser, possessive 's split off ("bank's" -> "bank", "'s"). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    out: list[str] = []
    for token in tokenize(text):
        if token.endswith("'s") and len(token) > 2:
            out.extend([token[:-2], "'s"])
        else:
            out.append(token)
    return out


@dataclass
class LMVocabulary:
    """Words by id (0 = <pad>, 1 = <unk>, 2 = </s>, then by falling frequency). Taught in notebooks/06_elmo_gpt_albert.ipynb."""

    words: list[str]
    counts: list[int]
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token ids; words outside the vocabulary get <unk>."""
        unk = self.index[UNK]
        return np.array([self.index.get(t, unk) for t in tokens], dtype=np.int64)

    def id_of(self, word: str) -> int:
        """The id of one word, or an UnknownWordError."""
        if word not in self.index:
            from course_utils.errors import unknown_word

            raise unknown_word(word, self.words, "this language model's vocabulary")
        return self.index[word]


def build_lm_vocabulary(sentences: Iterable[Sequence[str]], min_count: int = 3) -> LMVocabulary:
    """Specials, then words seen min_count times or more, most frequent first. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    if min_count < 1:
        raise CourseError(f"min_count must be at least 1, got {min_count}.")
    counts = Counter(w for s in sentences for w in s)
    if not counts:
        raise CourseError("The corpus has no words: pass a list of tokenised sentences, e.g. [['the', 'cat'], ...].")
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    if not kept:
        raise CourseError(f"No word occurs {min_count} times: lower min_count or use a larger corpus.")
    return LMVocabulary([PAD, UNK, EOS, *kept], [0, 0, 0, *(counts[w] for w in kept)])


def encode_stream(documents: Iterable[Sequence[str]], vocab: LMVocabulary) -> np.ndarray:
    """All documents as one id stream, each followed by </s>. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    eos = np.array([vocab.index[EOS]], dtype=np.int64)
    parts = [piece for doc in documents for piece in (vocab.encode(doc), eos)]
    if not parts:
        raise CourseError("No documents to encode: pass a non-empty list of tokenised documents.")
    return np.concatenate(parts)


def chunk_stream(stream: np.ndarray, seq_len: int) -> np.ndarray:
    """Cut an id stream into rows of seq_len ids (the tail is dropped). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    stream = np.asarray(stream)
    if seq_len < 2:
        raise CourseError(f"seq_len must be at least 2 (a word and the next one), got {seq_len}.")
    n = len(stream) // seq_len
    if n == 0:
        raise CourseError(f"The stream has {len(stream)} ids, fewer than one sequence of {seq_len}: use a larger corpus.")
    return stream[: n * seq_len].reshape(n, seq_len)


def _cutoffs(vocab_size: int) -> list[int]:
    """Adaptive-softmax cluster edges: the 2,000 and 8,000 most frequent words, clipped to the vocabulary."""
    return [c for c in (2000, 8000) if c < vocab_size - 1] or [max(2, vocab_size // 2)]


def _torch() -> Any:
    import torch

    return torch


# ---------------------------------------------------------------- ELMo in miniature
def _build_bilm_class() -> type:
    torch = _torch()
    nn = torch.nn

    class BiLM(nn.Module):
        """Forward and backward LSTM language models over one shared word embedding and one shared softmax."""

        def __init__(self, vocab_size: int, dim: int = 256, layers: int = 1) -> None:
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
            self.forward_lstms = nn.ModuleList(nn.LSTM(dim, dim, batch_first=True) for _ in range(layers))
            self.backward_lstms = nn.ModuleList(nn.LSTM(dim, dim, batch_first=True) for _ in range(layers))
            self.softmax = nn.AdaptiveLogSoftmaxWithLoss(dim, vocab_size, cutoffs=_cutoffs(vocab_size), div_value=4.0)

        def layers(self, ids: Any) -> list[Any]:
            """Representations (batch, tokens, 2 * dim) per layer: 0 = [x; x], then [forward; backward] per LSTM layer."""
            x = self.embedding(ids)
            out = [torch.cat([x, x], dim=-1)]
            f, b = x, x.flip(1)
            for lstm_f, lstm_b in zip(self.forward_lstms, self.backward_lstms, strict=True):
                f, b = lstm_f(f)[0], lstm_b(b)[0]
                out.append(torch.cat([f, b.flip(1)], dim=-1))
            return out

        def loss(self, ids: Any) -> Any:
            """Mean of the forward LM's loss (predict the next word) and the backward LM's (predict the previous one)."""
            dim = self.embedding.embedding_dim
            top = self.layers(ids)[-1]
            f, b = top[..., :dim], top[..., dim:]
            loss_f = self.softmax(f[:, :-1].reshape(-1, dim), ids[:, 1:].reshape(-1)).loss
            loss_b = self.softmax(b[:, 1:].reshape(-1, dim), ids[:, :-1].reshape(-1)).loss
            return (loss_f + loss_b) / 2

    return BiLM


def _build_gpt_class() -> type:
    torch = _torch()
    nn = torch.nn

    class CausalSelfAttention(nn.Module):
        """Multi-head self-attention; with causal=True token t attends only to tokens 0..t."""

        def __init__(self, dim: int, heads: int) -> None:
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(dim, 3 * dim)
            self.out = nn.Linear(dim, dim)

        def forward(self, x: Any, causal: bool = True) -> Any:
            batch, tokens, dim = x.shape
            q, k, v = self.qkv(x).view(batch, tokens, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
            scores = q @ k.transpose(-2, -1) / math.sqrt(dim // self.heads)  # (batch, heads, tokens, tokens)
            if causal:
                scores = scores.masked_fill(~causal_mask(tokens), float("-inf"))
            mixed = scores.softmax(dim=-1) @ v
            return self.out(mixed.transpose(1, 2).reshape(batch, tokens, dim))

    class Block(nn.Module):
        """Pre-LayerNorm transformer block: x + attention(LN(x)), then x + MLP(LN(x))."""

        def __init__(self, dim: int, heads: int) -> None:
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
            self.attention = CausalSelfAttention(dim, heads)
            self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

        def forward(self, x: Any, causal: bool = True) -> Any:
            x = x + self.attention(self.ln1(x), causal=causal)
            return x + self.mlp(self.ln2(x))

    class MiniGPT(nn.Module):
        """Decoder-only transformer LM: word + learned position embeddings, causal blocks, adaptive softmax."""

        def __init__(self, vocab_size: int, dim: int = 128, layers: int = 2, heads: int = 4, max_len: int = 128) -> None:
            super().__init__()
            if dim % heads:
                raise CourseError(f"dim ({dim}) must be divisible by heads ({heads}).")
            self.max_len = max_len
            self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
            self.positions = nn.Embedding(max_len, dim)
            self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(layers))
            self.ln_f = nn.LayerNorm(dim)
            self.softmax = nn.AdaptiveLogSoftmaxWithLoss(dim, vocab_size, cutoffs=_cutoffs(vocab_size), div_value=4.0)

        def layers(self, ids: Any, causal: bool = True) -> list[Any]:
            """Hidden states (batch, tokens, dim): 0 = word + position, then one per block (the last after LayerNorm)."""
            if ids.shape[1] > self.max_len:
                raise CourseError(f"MiniGPT reads at most {self.max_len} tokens, got {ids.shape[1]}: truncate the text.")
            x = self.embedding(ids) + self.positions(torch.arange(ids.shape[1]))
            out = [x]
            for block in self.blocks:
                x = block(x, causal=causal)
                out.append(x)
            out[-1] = self.ln_f(x)
            return out

        def loss(self, ids: Any, causal: bool = True) -> Any:
            """Next-word loss: the state at position t predicts the id at t + 1."""
            top = self.layers(ids, causal=causal)[-1]
            dim = top.shape[-1]
            return self.softmax(top[:, :-1].reshape(-1, dim), ids[:, 1:].reshape(-1)).loss

    return MiniGPT


_CLASSES: dict[str, type] = {}


def _cls(name: str) -> type:
    if name not in _CLASSES:
        _CLASSES[name] = {"BiLM": _build_bilm_class, "MiniGPT": _build_gpt_class}[name]()
    return _CLASSES[name]


def causal_mask(tokens: int) -> Any:
    """(tokens, tokens) bool tensor, True where row t may see column s <= t. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    torch = _torch()
    return torch.ones(tokens, tokens, dtype=torch.bool).tril()


def make_bilm(vocab_size: int, dim: int = 256, layers: int = 1, seed: int = 0) -> Any:
    """An ELMo-style biLM with weights drawn from seed. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    torch = _torch()
    if vocab_size < 4:
        raise CourseError(f"vocab_size must be at least 4 (three special tokens and a word), got {vocab_size}.")
    torch.manual_seed(seed)
    return _cls("BiLM")(vocab_size, dim=dim, layers=layers)


def make_gpt(vocab_size: int, dim: int = 128, layers: int = 2, heads: int = 4, max_len: int = 128, seed: int = 0) -> Any:
    """A GPT-style decoder with weights drawn from seed. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    torch = _torch()
    if vocab_size < 4:
        raise CourseError(f"vocab_size must be at least 4 (three special tokens and a word), got {vocab_size}.")
    torch.manual_seed(seed)
    return _cls("MiniGPT")(vocab_size, dim=dim, layers=layers, heads=heads, max_len=max_len)


# ---------------------------------------------------------------- training
@dataclass
class TrainingHistory:
    """Training loss per step, held-out loss every eval_every steps (nats/word). Taught in notebooks/06_elmo_gpt_albert.ipynb."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    valid_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def valid_perplexity(self) -> float:
        """exp(last validation loss)."""
        return float(math.exp(self.valid_loss[-1])) if self.valid_loss else float("nan")


def evaluate_loss(model: Any, rows: np.ndarray, batch_size: int = 64) -> float:
    """Mean loss of a model over rows of ids, without training. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    torch = _torch()
    rows = np.asarray(rows)
    if rows.ndim != 2 or len(rows) == 0:
        raise CourseError(f"rows must be a non-empty (n, seq_len) array of ids, got shape {rows.shape}.")
    was_training = model.training
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = torch.as_tensor(rows[start:start + batch_size])
            total += float(model.loss(batch)) * len(batch)
    model.train(was_training)
    return total / len(rows)


@uses_free_cpus
def train_lm(model: Any, train_rows: np.ndarray, valid_rows: np.ndarray, steps: int, batch_size: int = 32,
             lr: float = 3e-3, seed: int = 0, eval_every: int = 50, progress: bool = True) -> TrainingHistory:
    """Adam on random batches for a fixed number of steps, seeded. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    import time

    from tqdm.auto import tqdm

    torch = _torch()
    train_rows, valid_rows = np.asarray(train_rows), np.asarray(valid_rows)
    for name, rows in [("train_rows", train_rows), ("valid_rows", valid_rows)]:
        if rows.ndim != 2 or len(rows) == 0 or not np.issubdtype(rows.dtype, np.integer):
            raise CourseError(f"{name} must be a non-empty (n, seq_len) integer array from chunk_stream, got shape {rows.shape}.")
    vocab_size = model.embedding.num_embeddings
    if train_rows.max() >= vocab_size or train_rows.min() < 0:
        raise CourseError(f"train_rows has ids outside 0..{vocab_size - 1}: encode with the vocabulary the model was built for.")
    if steps < 1:
        raise CourseError(f"steps must be at least 1, got {steps}.")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    history = TrainingHistory()
    start = time.perf_counter()
    model.train()
    bar = tqdm(range(1, steps + 1), desc=f"training {type(model).__name__}", disable=not progress)
    for step in bar:
        batch = torch.as_tensor(train_rows[rng.integers(len(train_rows), size=batch_size)])
        loss = model.loss(batch)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        history.steps.append(step)
        history.train_loss.append(float(loss.detach()))
        if step % eval_every == 0 or step == steps:
            history.eval_steps.append(step)
            history.valid_loss.append(evaluate_loss(model, valid_rows))
            bar.set_postfix(valid_ppl=f"{math.exp(history.valid_loss[-1]):.0f}")
    model.eval()
    history.seconds = time.perf_counter() - start
    return history


# ---------------------------------------------------------------- notebook 06's trained models, as the course ships them
SHIPPED_MODELS = Path(__file__).resolve().parents[1] / "data" / "nb06_models"


def training_key(train_rows: np.ndarray, valid_rows: np.ndarray, settings: str) -> str:
    """12 hex digits naming a training run: its rows and its settings. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    train_rows, valid_rows = np.ascontiguousarray(train_rows), np.ascontiguousarray(valid_rows)
    if not isinstance(settings, str) or not settings.strip():
        raise CourseError(f'settings must describe the run, e.g. "bilm dim=128 steps=300 lr=0.02 seed=0", got {settings!r}.')
    digest = hashlib.sha256(train_rows.tobytes() + valid_rows.tobytes())
    digest.update(f"{train_rows.shape} {valid_rows.shape} {settings}".encode())
    return digest.hexdigest()[:12]


def save_trained(model: Any, history: TrainingHistory, folder: Path, name: str) -> None:
    """Write a trained model's weights (safetensors) and its history (JSON) to folder. Internal to course_utils."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(folder / f"{name}.safetensors"))
    (folder / f"{name}.json").write_text(json.dumps(asdict(history)))


def _load_history(folder: Path, name: str) -> TrainingHistory | None:
    if not (folder / f"{name}.safetensors").is_file() or not (folder / f"{name}.json").is_file():
        return None
    return TrainingHistory(**json.loads((folder / f"{name}.json").read_text()))


def same_start(full: TrainingHistory, start: TrainingHistory, tolerance: float = 1e-4) -> bool:
    """Whether start is the first steps of full: training and held-out losses within tolerance. Internal to course_utils."""
    if not start.train_loss or len(start.train_loss) > len(full.train_loss):
        return False
    held_out = dict(zip(full.eval_steps, full.valid_loss, strict=True))
    return (all(abs(a - b) <= tolerance for a, b in zip(full.train_loss, start.train_loss, strict=False))
            and all(step in held_out and abs(held_out[step] - loss) <= tolerance
                    for step, loss in zip(start.eval_steps, start.valid_loss, strict=True)))


def trained_or_shipped(make: Callable[[], Any], train_rows: np.ndarray, valid_rows: np.ndarray, steps: int, name: str,
                       settings: str, live_steps: int = 50,
                       **train_options: Any) -> tuple[Any, TrainingHistory, TrainingHistory, str]:
    """Train live_steps here, then load the shipped run if it starts the same. Taught in notebooks/06_elmo_gpt_albert.ipynb.

    ``make()`` builds the untrained model (seeded; ``settings`` must describe it, the training options are added).
    The first ``live_steps`` steps are always trained here. The run of
    ``steps`` steps is then read from the course's data/nb06_models/<key> (or the course cache) when one is stored
    for these rows and ``settings`` and its first steps match the ones just trained (within 1e-4): the model gets
    its weights. Otherwise a fresh model trains all ``steps`` here and is cached. Returns (model, history of all
    steps, history of the live steps, where the weights came from: "shipped", "cached" or "trained now").
    """
    from course_utils.downloads import cache_dir

    steps, live_steps = require_int(steps, "steps", 1), require_int(live_steps, "live_steps", 1)
    if live_steps > steps:
        raise CourseError(f"live_steps ({live_steps}) must not exceed steps ({steps}).")
    if not callable(make):
        raise CourseError("make must be a function that builds the untrained model, e.g. lambda: lm.make_bilm(...).")
    if not isinstance(name, str) or not name.isidentifier():
        raise CourseError(f'name must be a short file name such as "elmo", got {name!r}.')
    options = " ".join(f"{k}={v!r}" for k, v in sorted(train_options.items()) if k != "progress")
    key = training_key(train_rows, valid_rows, f"{settings} steps={steps} {options}")
    model = make()
    start = train_lm(model, train_rows, valid_rows, steps=live_steps, **train_options)
    for folder, source in ((SHIPPED_MODELS / key, "shipped"), (cache_dir() / "nb06_models" / key, "cached")):
        history = _load_history(folder, name)
        if history is not None and same_start(history, start):
            from safetensors.torch import load_file

            model.load_state_dict(load_file(str(folder / f"{name}.safetensors")))
            model.eval()
            return model, history, start, source
    model = make()
    history = train_lm(model, train_rows, valid_rows, steps=steps, **train_options)
    save_trained(model, history, cache_dir() / "nb06_models" / key, name)
    return model, history, start, "trained now"


# ---------------------------------------------------------------- contextual vectors
def _ids(vocab: LMVocabulary, text: str, max_len: int | None = None) -> Any:
    torch = _torch()
    tokens = lm_tokenize(require_text(text))
    if not tokens:
        raise CourseError(f"{text[:40]!r} has no words the tokeniser keeps (letters or digits): pass real text.")
    ids = vocab.encode(tokens)
    if max_len is not None:
        ids = ids[:max_len]
    return torch.as_tensor(ids)[None]


def token_layers(model: Any, vocab: LMVocabulary, text: str, causal: bool = True) -> np.ndarray:
    """Every layer's vector of every token, shape (layers + 1, tokens, dim). Taught in notebooks/06_elmo_gpt_albert.ipynb.

    MiniGPT reads at most max_len tokens (the rest is cut); ``causal=False`` switches its mask off.
    """
    torch = _torch()
    max_len = getattr(model, "max_len", None)
    ids = _ids(vocab, text, max_len)
    with torch.inference_mode():
        layers = model.layers(ids, causal=causal) if max_len is not None else model.layers(ids)
    return torch.stack(layers)[:, 0].numpy()


def word_position(text: str, word: str) -> int:
    """Index of the first occurrence of word among lm_tokenize(text). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    require_text(word, "word")
    tokens = lm_tokenize(text)
    if word.lower() not in tokens:
        raise UnknownWordError(f"{word!r} is not a token of {text!r} (tokens: {tokens}): pass a word of the sentence.")
    return tokens.index(word.lower())


def word_layers(model: Any, vocab: LMVocabulary, sentence: str, word: str, causal: bool = True) -> np.ndarray:
    """The vector of word in sentence at every layer, shape (layers + 1, dim). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    position = word_position(sentence, word)
    if word.lower() not in vocab.index:
        raise UnknownWordError(f"{word!r} is not in this model's vocabulary (it would be <unk>): pick a frequent word.")
    return token_layers(model, vocab, sentence, causal=causal)[:, position]


def scalar_mix(layers: np.ndarray, weights: Sequence[float] | None = None, gamma: float = 1.0) -> np.ndarray:
    """ELMo's mix gamma * sum_j softmax(w)_j * layer_j; weights None = average. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    layers = np.asarray(layers, dtype=np.float64)
    if weights is None:
        s = np.full(len(layers), 1.0 / len(layers))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(layers),) or not np.all(np.isfinite(w)):
            raise CourseError(f"weights needs one finite number per layer ({len(layers)}), got {w.shape}.")
        s = np.exp(w - w.max())
        s /= s.sum()
    return gamma * np.tensordot(s, layers, axes=1)


def lm_encoder(model: Any, vocab: LMVocabulary, pooling: str = "mean", layer: str | int = "mix") -> Any:
    """A text encoder from a mini LM: mean or last-token pooling of a layer. Taught in notebooks/06_elmo_gpt_albert.ipynb.

    ``layer`` is "mix" (ELMo's average of all layers) or a layer index (-1 = last). Each text's vector is computed
    once and remembered, so build a new encoder if you train the model further.
    """
    if pooling not in ("mean", "last"):
        raise CourseError(f"pooling must be 'mean' or 'last', got {pooling!r}.")

    cache: dict[str, np.ndarray] = {}  # the tasks encode some texts twice (paired comparisons): compute once

    def encode(texts: list[str]) -> np.ndarray:
        rows = []
        for text in require_texts(texts):
            if text not in cache:
                layers = token_layers(model, vocab, text)
                vectors = scalar_mix(layers) if layer == "mix" else layers[layer]
                cache[text] = vectors.mean(axis=0) if pooling == "mean" else vectors[-1]
            rows.append(cache[text])
        return np.stack(rows)

    return encode


# ---------------------------------------------------------------- the bank probe
def sense_gap(vectors: np.ndarray, sense: Sequence[str]) -> dict[str, float]:
    """Notebook 05's probe score on one layer: sense gap, nearest-centroid hits. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    from course_utils.benchmarks import l2_normalize

    sense = np.asarray(sense)
    labels = list(dict.fromkeys(sense.tolist()))  # order of first appearance, as notebook 05 ('river' first)
    vectors = np.asarray(vectors, dtype=np.float64)
    if len(labels) != 2 or vectors.ndim != 2 or len(vectors) != len(sense):
        raise CourseError("sense_gap needs one vector per sentence and exactly two sense labels.")
    X = l2_normalize(vectors)
    S = X @ X.T
    off = ~np.eye(len(X), dtype=bool)
    within = [S[np.ix_(sense == s, sense == s)][off[np.ix_(sense == s, sense == s)]].mean() for s in labels]
    across = S[np.ix_(sense == labels[0], sense == labels[1])].mean()
    hits = 0
    for i in range(len(X)):
        keep = np.arange(len(X)) != i
        centroids = {s: X[keep & (sense == s)].mean(0) for s in labels}
        hits += max(centroids, key=lambda s: X[i] @ centroids[s]) == sense[i]
    return {"within": float(np.mean(within)), "across": float(across), "gap": float(np.mean(within) - across),
            "nearest-centroid accuracy": hits / len(X)}


def _stratified(idx: np.ndarray, sense: np.ndarray) -> np.ndarray:
    """Map bootstrap indices over all sentences to a resample *within* each sense (same sizes as the original)."""
    out = np.empty(len(idx), dtype=int)
    for label in dict.fromkeys(sense.tolist()):
        members = np.flatnonzero(sense == label)
        slot = np.flatnonzero(sense == label)
        out[slot] = members[idx[slot] % len(members)]
    return out


def _resampled_gap(X: np.ndarray, sense: np.ndarray, rows: np.ndarray) -> float:
    """The gap on resampled sentences, leaving out pairs of a sentence with a copy of itself."""
    S = X[rows] @ X[rows].T
    distinct = rows[:, None] != rows[None, :]
    labels = list(dict.fromkeys(sense.tolist()))
    s = sense[rows]
    within = [S[np.ix_(s == lab, s == lab)][distinct[np.ix_(s == lab, s == lab)]] for lab in labels]
    if any(w.size == 0 for w in within):  # a sense drawn as copies of one sentence: no within pair (dropped)
        return float("nan")
    return float(np.mean([w.mean() for w in within]) - S[np.ix_(s == labels[0], s == labels[1])].mean())


def gap_interval(vectors: np.ndarray, sense: Sequence[str], n_resamples: int = 1000, seed: int = 0) -> Any:
    """The sense gap with a bootstrap 95 % interval (resampled within senses). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    from course_utils.benchmarks import l2_normalize
    from course_utils.stats import bootstrap_interval

    sense = np.asarray(sense)
    X = l2_normalize(np.asarray(vectors, dtype=np.float64))
    if len(X) != len(sense):
        raise CourseError(f"{len(X)} vectors but {len(sense)} sense labels: pass one label per sentence.")
    return bootstrap_interval(lambda idx: _resampled_gap(X, sense, _stratified(idx, sense)), len(sense),
                              n_resamples=n_resamples, seed=seed)


def compare_gaps(vectors_a: np.ndarray, vectors_b: np.ndarray, sense: Sequence[str], n_resamples: int = 1000,
                 seed: int = 0) -> Any:
    """Paired bootstrap of gap(a) - gap(b) on the same resampled sentences. Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    from course_utils.benchmarks import l2_normalize
    from course_utils.stats import paired_bootstrap

    sense = np.asarray(sense)
    Xa = l2_normalize(np.asarray(vectors_a, dtype=np.float64))
    Xb = l2_normalize(np.asarray(vectors_b, dtype=np.float64))
    if not len(Xa) == len(Xb) == len(sense):
        raise CourseError("vectors_a, vectors_b and sense must describe the same sentences.")
    return paired_bootstrap(lambda idx: _resampled_gap(Xa, sense, _stratified(idx, sense)),
                            lambda idx: _resampled_gap(Xb, sense, _stratified(idx, sense)), len(sense),
                            n_resamples=n_resamples, seed=seed)


def bank_probe_sentences() -> tuple[list[str], np.ndarray]:
    """Notebook 05's 20 probe sentences and senses (river x 10, money x 10). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    return list(BANK_RIVER + BANK_MONEY), np.array(["river"] * len(BANK_RIVER) + ["money"] * len(BANK_MONEY))


def transformer_bank_vectors(name: str) -> np.ndarray:
    """The 20 *bank* vectors at every layer of a hub model, e.g. 'gpt2' (online). Taught in notebooks/06_elmo_gpt_albert.ipynb."""
    from course_utils.contextual import word_in_context_vectors
    from course_utils.models import load_transformer

    tokenizer, model = load_transformer(name)  # offline: OfflineError at once, before any download
    sentences, _ = bank_probe_sentences()
    return np.stack([word_in_context_vectors(tokenizer, model, s, "bank") for s in sentences])
