"""Contextual embeddings: pooling, a word's vector in context, attention maps. Taught in notebooks/05_contextual_embeddings.ipynb.

Everything here takes the (tokenizer, model) pair of ``course_utils.models.load_transformer`` or the
SentenceTransformer of ``load_sentence_model``; heavy imports happen inside the functions.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_int, require_text, require_texts


def mean_pool(token_embeddings: Any, attention_mask: Any) -> Any:
    """Average each text's token vectors over its real tokens (mask 1). Taught in notebooks/05_contextual_embeddings.ipynb.

    ``token_embeddings`` is (batch, tokens, dim) and ``attention_mask`` (batch, tokens), both torch
    tensors or both numpy arrays; one unbatched text, (tokens, dim) and (tokens,), works too. The result
    has the input's type: (batch, dim), or (dim,) for one text.
    """
    if _is_torch(token_embeddings) != _is_torch(attention_mask):
        raise CourseError("token_embeddings and attention_mask must both be torch tensors or both numpy arrays.")
    if tuple(attention_mask.shape) != tuple(token_embeddings.shape[:-1]):
        raise CourseError(f"attention_mask has shape {tuple(attention_mask.shape)} but token_embeddings has "
                          f"{tuple(token_embeddings.shape)}: the mask needs one 0/1 entry per token.")
    if _is_torch(token_embeddings):
        mask = attention_mask.unsqueeze(-1).to(token_embeddings.dtype)
        return (token_embeddings * mask).sum(dim=-2) / mask.sum(dim=-2).clamp(min=1e-9)
    embeddings = np.asarray(token_embeddings)
    mask = np.asarray(attention_mask)[..., None].astype(embeddings.dtype)
    return (embeddings * mask).sum(axis=-2) / np.maximum(mask.sum(axis=-2), 1e-9)


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch")


# How the shipped vector files (course_utils.shipped) name sentence_encoder's default call: batch 32, unit rows,
# no prompt, the model's own length limit. Notebooks 07 and 09 read MiniLM's shipped vectors under it.
SENTENCE_ENCODER_SETTINGS = "batch_size=32,normalize_embeddings=True"


def sentence_encoder(model: Any = None, batch_size: int = 32, prompt: str | None = None) -> TextEncoder:
    """A text encoder (unit rows) from a SentenceTransformer. Taught in notebooks/05_contextual_embeddings.ipynb.

    ``model=None`` loads the bundled MiniLM. A model *name* is refused (load it with load_sentence_model(name)).
    ``prompt`` is put in front of every text (e.g. "query: " for models trained with E5-style prefixes).
    """
    batch_size = require_int(batch_size, "batch_size", 1)
    if prompt is not None and not isinstance(prompt, str):
        raise CourseError(f"prompt must be a string such as 'query: ' or None, got {type(prompt).__name__}.")
    if model is None:
        from course_utils.models import load_sentence_model

        model = load_sentence_model()
    if isinstance(model, str | bytes) or not callable(getattr(model, "encode", None)) \
            or not hasattr(model, "get_embedding_dimension"):
        hint = f"load_sentence_model({model!r})" if isinstance(model, str) else "load_sentence_model()"
        raise CourseError(f"model must be a SentenceTransformer, got {type(model).__name__}: pass {hint}.")

    def encode(texts: list[str]) -> np.ndarray:
        texts = require_texts(texts)
        return model.encode(texts, batch_size=batch_size, show_progress_bar=False, prompt=prompt,
                            normalize_embeddings=True, convert_to_numpy=True)

    return encode


def find_word(sentence: str, word: str) -> tuple[int, int]:
    """Character span of the first whole-word, case-insensitive occurrence of word in sentence. Internal to course_utils."""
    require_text(sentence, "sentence")
    require_text(word, "word")
    match = re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", sentence, flags=re.IGNORECASE)
    if match is None:
        raise CourseError(f"{word!r} does not occur as a whole word in {sentence!r}: pass a word that is in the sentence.")
    return match.span()


def word_in_context_vectors(tokenizer: Any, model: Any, sentence: str, word: str) -> np.ndarray:
    """The vector of `word` in `sentence` at every layer (pieces averaged). Taught in notebooks/05_contextual_embeddings.ipynb.

    Returns an array of shape (layers + 1, hidden): row 0 is the embedding layer's output, row i the
    output of block i. The word's pieces are the tokens whose character offsets fall in its span.
    """
    import torch

    start, end = find_word(sentence, word)
    if not getattr(tokenizer, "is_fast", False):
        raise CourseError("word_in_context_vectors needs a fast tokenizer (offset mapping): use load_transformer().")
    encoded = tokenizer(sentence, return_tensors="pt", return_offsets_mapping=True, truncation=True)
    offsets = encoded.pop("offset_mapping")[0]
    pieces = [i for i, (s, e) in enumerate(offsets.tolist()) if e > s and s >= start and e <= end]
    if not pieces:
        raise CourseError(f"{word!r} was cut off by truncation in this sentence: use a shorter sentence.")
    with torch.inference_mode():
        out = model(**encoded, output_hidden_states=True)
    layers = torch.stack(out.hidden_states)[:, 0]  # (layers + 1, tokens, hidden)
    return layers[:, pieces].mean(dim=1).float().numpy()


def attention_maps(tokenizer: Any, model: Any, sentence: str) -> tuple[list[str], np.ndarray]:
    """Tokens and attention weights (layers, heads, tokens, tokens). Taught in notebooks/05_contextual_embeddings.ipynb."""
    import torch

    require_text(sentence, "sentence")
    encoded = tokenizer(sentence, return_tensors="pt", truncation=True)
    with torch.inference_mode():
        out = model(**encoded, output_attentions=True)
    if not out.attentions or out.attentions[0] is None:
        raise CourseError("This model returned no attention weights: load it with load_transformer(name, attentions=True) "
                          "(the default sdpa attention does not compute them).")
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0].tolist())
    return tokens, torch.stack(out.attentions)[:, 0].float().numpy()


def plot_attention(tokens: list[str], attention: np.ndarray, layer: int = 0, head: int = 0, ax: Any = None,
                   title: str | None = None) -> Any:
    """Heatmap of one layer's and head's attention (row attends to column). Taught in notebooks/05_contextual_embeddings.ipynb.

    ``attention`` is (layers, heads, tokens, tokens) as from :func:`attention_maps`, or one
    (tokens, tokens) matrix (then layer and head only label the title). Returns the axes.
    """
    import matplotlib.pyplot as plt

    attention = np.asarray(attention)
    if attention.ndim == 4:
        n_layers, n_heads = attention.shape[:2]
        if not (0 <= layer < n_layers and 0 <= head < n_heads):
            raise CourseError(f"layer must be in 0..{n_layers - 1} and head in 0..{n_heads - 1}, got layer={layer}, head={head}.")
        matrix = attention[layer, head]
    elif attention.ndim == 2:
        matrix = attention
    else:
        raise CourseError(f"attention must be (layers, heads, tokens, tokens) or (tokens, tokens), got shape {attention.shape}.")
    if matrix.shape != (len(tokens), len(tokens)):
        raise CourseError(f"{len(tokens)} tokens but an attention matrix of shape {matrix.shape}: "
                          "pass the tokens of the same sentence.")
    if ax is None:
        size = 2.5 + 0.42 * len(tokens)
        _, ax = plt.subplots(figsize=(size + 1.2, size))
    image = ax.imshow(matrix, cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(tokens)), tokens, rotation=60, ha="right")
    ax.set_yticks(range(len(tokens)), tokens)
    ax.set_xlabel("attended-to token (key)")
    ax.set_ylabel("attending token (query)")
    ax.grid(False)
    ax.set_title(title if title is not None else f"Attention, layer {layer}, head {head}")
    ax.figure.colorbar(image, ax=ax, label="attention weight", fraction=0.046, pad=0.04)
    return ax
