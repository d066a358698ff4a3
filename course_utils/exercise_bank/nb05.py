"""Exercises of notebooks/05_contextual_embeddings.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_items, one_right_option, predicted_band

WORD = "photosynthesis"


# ---------------------------------------------------------------- 05.1 WordPiece pieces
def _tokenizer_context() -> dict[str, Any]:
    from course_utils.models import load_transformer

    tokenizer, _ = load_transformer()
    return {"tokenizer": tokenizer}


def _check_pieces(answer: Any, tokenizer: Any) -> None:
    if isinstance(answer, str):
        raise NotYet(f"give a list of strings, e.g. the output of tokenizer.tokenize({WORD!r}), not one string.")
    pieces = tokenizer.tokenize(WORD)
    answer = [str(piece) for piece in as_items(answer, "the pieces")]
    if "[CLS]" in answer or "[SEP]" in answer:
        raise NotYet("leave out the special tokens: tokenizer.tokenize adds none, tokenizer(...) adds [CLS] and [SEP].")
    if "".join(p.removeprefix("##") for p in answer) != WORD:
        raise NotYet(f"the pieces, with their '##' removed, must spell {WORD!r} again.")
    if answer != pieces:
        raise NotYet("right letters, wrong split: ask the tokenizer, WordPiece picks the longest piece in its vocabulary first.")


def _solve_pieces(tokenizer: Any) -> list[str]:
    return tokenizer.tokenize("photosynthesis")


# ---------------------------------------------------------------- 05.2 predict: cosine of two random tokens
BASELINE_OPTIONS = {
    "a": "below 0.3: two unrelated tokens point in quite different directions",
    "b": "between 0.3 and 0.6",
    "c": "above 0.6, about as high as two 'bank' vectors: contextual vectors share one common direction",
}
BASELINE_MISCONCEPTIONS = {
    "a": "the tokens of this model share more of a common direction than that at this layer.",
    "b": "the measured baseline is outside 0.3-0.6: look at the printed value.",
    "c": "a common direction would make every pair of tokens similar; the measurement shows unrelated tokens are "
         "not, so the high cosines of the 'bank' vectors come from the word itself, not from a shared direction.",
}


def _baseline_band(measured: float) -> str:
    return "a" if measured < 0.3 else "b" if measured <= 0.6 else "c"


def _explain_baseline(choice: str, right: str, value: float) -> str:
    return (f"the mean cosine of random token pairs at the last layer is {value:.2f}. "
            f"Your prediction ({choice}) assumed {BASELINE_MISCONCEPTIONS[choice]}")


_check_baseline, _solve_baseline, _wrong_baseline = predicted_band(BASELINE_OPTIONS, _baseline_band, _explain_baseline,
                                                                   "the measured baseline")


# ---------------------------------------------------------------- 05.5 interpret: a triangular-looking encoder head
ATTENTION_OPTIONS = {
    "a": "MiniLM is a decoder after all: its tokens cannot see the tokens to their right.",
    "b": "This head has learned to look mostly at earlier tokens; nothing forbids it to look right, and other heads do.",
    "c": "The map explains the model's output: each token's meaning comes from the tokens it attends to most.",
    "d": "The bright cells right of the diagonal are padding, which the mask hides.",
}
ATTENTION_MISCONCEPTIONS = {
    "a": "an encoder has no causal mask: every head may attend to every token, and the per-head measurement shows "
         "heads that put most of their weight on later tokens.",
    "c": "attention weights say how a head mixes value vectors, not why the model outputs what it does: values, "
         "other heads, residual connections and feed-forward layers all intervene.",
    "d": "this sentence is encoded alone, so it has no padding at all.",
}


_check_attention_reading, _solve_attention_reading = one_right_option(ATTENTION_OPTIONS, "b", ATTENTION_MISCONCEPTIONS)


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
        title="Predict: the mean cosine of two random tokens at the last layer",
        check=_check_baseline,
        solution=_solve_baseline,
        context=lambda: {"measured": 0.098},
        wrong=_wrong_baseline,
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
    Exercise(
        id="05.5",
        title="Interpret: an encoder head whose map looks lower-triangular",
        check=_check_attention_reading,
        solution=_solve_attention_reading,
        wrong=lambda: "a",
    ),
]
