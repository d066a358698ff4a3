"""Exercises of notebooks/05_contextual_embeddings.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet

WORD = "photosynthesis"


# ---------------------------------------------------------------- 05.1 WordPiece pieces
def _tokenizer_context() -> dict[str, Any]:
    from course_utils.models import load_transformer

    tokenizer, _ = load_transformer()
    return {"tokenizer": tokenizer}


def _check_pieces(answer: Any, tokenizer: Any) -> None:
    if isinstance(answer, str) or not isinstance(answer, (list, tuple)):
        raise NotYet(f"give a list of strings, e.g. the output of tokenizer.tokenize({WORD!r}).")
    pieces = tokenizer.tokenize(WORD)
    answer = [str(piece) for piece in answer]
    if "[CLS]" in answer or "[SEP]" in answer:
        raise NotYet("leave out the special tokens: tokenizer.tokenize adds none, tokenizer(...) adds [CLS] and [SEP].")
    if "".join(p.removeprefix("##") for p in answer) != WORD:
        raise NotYet(f"the pieces, with their '##' removed, must spell {WORD!r} again.")
    if answer != pieces:
        raise NotYet("right letters, wrong split: ask the tokenizer, WordPiece picks the longest piece in its vocabulary first.")


def _solve_pieces(tokenizer: Any) -> list[str]:
    return tokenizer.tokenize("photosynthesis")


# ---------------------------------------------------------------- 05.2 layer with the largest gap
def _gaps_context() -> dict[str, Any]:
    # the shape of what the notebook measures: the gap per layer, 0 = embeddings
    return {"gaps": np.array([0.005, 0.055, 0.089, 0.116, 0.109, 0.086, 0.110])}


def _check_layer(answer: Any, gaps: Any) -> None:
    gaps = np.asarray(gaps)
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise NotYet("give the layer as an int, e.g. 2.")
    if not 0 <= int(answer) < len(gaps):
        raise NotYet(f"layers go from 0 (embeddings) to {len(gaps) - 1}.")
    if int(answer) != int(np.argmax(gaps)):
        raise NotYet("look for the largest value in the 'gap' column; senses['gap'].idxmax() finds its layer.")


def _solve_layer(gaps: Any) -> int:
    return int(np.argmax(gaps))


def _wrong_layer(gaps: Any) -> int:
    best = int(np.argmax(gaps))
    return len(gaps) - 1 if best != len(gaps) - 1 else 0


# ---------------------------------------------------------------- pooling functions (05.3, 05.4)
def _padded_batch() -> tuple[Any, Any]:
    import torch

    generator = torch.Generator().manual_seed(0)
    token_embeddings = torch.randn(3, 6, 4, generator=generator)
    attention_mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]])
    return token_embeddings, attention_mask


def _call(answer: Any) -> tuple[np.ndarray, Any, Any]:
    if not callable(answer):
        raise NotYet("give a function (its name, without calling it), e.g. answer = my_pool.")
    token_embeddings, attention_mask = _padded_batch()
    result = answer(token_embeddings.clone(), attention_mask.clone())
    result = result.detach().numpy() if hasattr(result, "detach") else np.asarray(result, dtype=float)
    if result.shape != (3, 4):
        raise NotYet(f"for a batch (3 texts, 6 tokens, 4 dims) return shape (3, 4), got {result.shape}.")
    return result, token_embeddings, attention_mask


def _check_mean_pool(answer: Any) -> None:
    from course_utils.contextual import mean_pool

    result, token_embeddings, attention_mask = _call(answer)
    if np.allclose(result, token_embeddings.mean(dim=1).numpy(), atol=1e-5):
        raise NotYet("you averaged the padding too: multiply by the mask and divide by the number of real tokens.")
    if np.allclose(result, (token_embeddings * attention_mask.unsqueeze(-1)).sum(1).numpy(), atol=1e-5):
        raise NotYet("that is the sum over real tokens: divide by attention_mask.sum(dim=1).")
    if not np.allclose(result, mean_pool(token_embeddings, attention_mask).numpy(), atol=1e-5):
        raise NotYet("mask = attention_mask.unsqueeze(-1).float(); (x * mask).sum(1) / mask.sum(1).")


def _solve_mean_pool() -> Any:
    def my_mean_pool(token_embeddings, attention_mask):
        mask = attention_mask.unsqueeze(-1).float()
        return (token_embeddings * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)

    return my_mean_pool


def _check_last_token(answer: Any) -> None:
    result, token_embeddings, attention_mask = _call(answer)
    last = attention_mask.sum(dim=1) - 1
    expected = token_embeddings[np.arange(3), last].numpy()
    if np.allclose(result, token_embeddings[:, -1].numpy(), atol=1e-6):
        raise NotYet("position -1 is padding for the shorter texts: use attention_mask.sum(dim=1) - 1 as each text's last index.")
    if np.allclose(result, token_embeddings[:, 0].numpy(), atol=1e-6):
        raise NotYet("that is the first token ([CLS]-style pooling); decoders use the last real token.")
    if not np.allclose(result, expected, atol=1e-6):
        raise NotYet("index each row at its own last real position: x[torch.arange(len(x)), mask.sum(1) - 1].")


def _solve_last_token() -> Any:
    import torch

    def last_token_pool(token_embeddings, attention_mask):
        last = attention_mask.sum(dim=1) - 1  # index of the last real token (right padding)
        return token_embeddings[torch.arange(token_embeddings.shape[0]), last]

    return last_token_pool


EXERCISES = [
    Exercise(
        id="05.1",
        title=f"The WordPiece pieces of {WORD!r}",
        check=_check_pieces,
        solution=_solve_pieces,
        context=_tokenizer_context,
        wrong=lambda tokenizer: [WORD],
    ),
    Exercise(
        id="05.2",
        title="The layer where the two senses of 'bank' are furthest apart",
        check=_check_layer,
        solution=_solve_layer,
        context=_gaps_context,
        wrong=_wrong_layer,
    ),
    Exercise(
        id="05.3",
        title="Mean pooling over the attention mask",
        check=_check_mean_pool,
        solution=_solve_mean_pool,
        wrong=lambda: (lambda token_embeddings, attention_mask: token_embeddings.mean(dim=1)),
    ),
    Exercise(
        id="05.4",
        title="Last-token pooling, as decoder models do",
        check=_check_last_token,
        solution=_solve_last_token,
        wrong=lambda: (lambda token_embeddings, attention_mask: token_embeddings[:, -1]),
    ),
]
