"""Exercises of notebooks/06_elmo_gpt_albert.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, call_learner, one_right_option, predicted_band

# ---------------------------------------------------------------- 06.1 predict: does a later word change 'bank'?
CHANGE_OPTIONS = {
    "a": "exactly 0",
    "b": "small but not 0 (about 0.001-0.1)",
    "c": "large (above 0.1)",
}
CHANGE_MISCONCEPTIONS = {
    "a": "",
    "b": "a causal mask does not damp later words, it removes them: their attention weight is exp(-inf) = 0 exactly, "
         "so nothing of 'money' can reach 'bank' in any layer.",
    "c": "in a decoder attention mixes only earlier tokens (and the token itself) into a token's vector; that is what "
         "the causal mask is for. Without the mask (BERT-style) you would be right.",
}


def _change_band(measured: float) -> str:
    return "a" if measured <= 1e-7 else "b" if measured <= 0.1 else "c"


def _explain_change(choice: str, right: str, value: float) -> str:
    hint = CHANGE_MISCONCEPTIONS[choice] if right == "a" else f"option {right} describes what was measured."
    return f"the largest difference measured is {value:.3g}. {hint}"


_check_change, _solve_change, _wrong_change = predicted_band(CHANGE_OPTIONS, _change_band, _explain_change,
                                                             "the measured difference")


def _change_context() -> dict[str, Any]:
    from course_utils import lm

    left, right = "they sat on the bank of the river", "they sat on the bank of the money"
    vocab = lm.build_lm_vocabulary([lm.lm_tokenize(left), lm.lm_tokenize(right)], min_count=1)
    gpt = lm.make_gpt(len(vocab), dim=32, layers=2, heads=4, max_len=16, seed=0)
    at = lm.word_position(left, "bank")
    a, b = lm.token_layers(gpt, vocab, left), lm.token_layers(gpt, vocab, right)
    return {"measured": float(np.abs(a[-1, at] - b[-1, at]).max())}


# ---------------------------------------------------------------- 06.2 interpret: what ALBERT saves
ALBERT_OPTIONS = {
    "a": "ALBERT-base encodes a sentence about 9 times faster than BERT-base.",
    "b": "ALBERT-base's weights take about 9 times less memory, but it costs about the same compute per token.",
    "c": "ALBERT-base has fewer transformer layers than BERT-base.",
    "d": "ALBERT-base's contextual vectors have 128 dimensions instead of 768.",
}
ALBERT_MISCONCEPTIONS = {
    "a": "fewer parameters is not fewer operations: the one shared layer is still run 12 times, and the FLOP count "
         "of the two forward passes was the same (ALBERT's even slightly higher).",
    "c": "ALBERT-base runs 12 layers, like BERT-base; they share one set of weights, so 12 layers cost the parameters "
         "of one.",
    "d": "128 is the width of the word table (E); a projection maps it to the hidden size H = 768, and every layer's "
         "output, the contextual vector, has 768 dimensions.",
}


_check_albert, _solve_albert = one_right_option(ALBERT_OPTIONS, "b", ALBERT_MISCONCEPTIONS)


# ---------------------------------------------------------------- 06.3 build: the causal mask
UNSEEN_SIZES = (2, 5, 11, 23)


def _allowed(mask: Any, tokens: int) -> np.ndarray:
    """The learner's mask as a bool array: True where attention is allowed (bool, 0/1, or additive 0/-inf)."""
    array = mask.detach().cpu().numpy() if hasattr(mask, "detach") else np.asarray(mask)
    if array.shape != (tokens, tokens):
        raise NotYet(f"for {tokens} tokens return a ({tokens}, {tokens}) mask, got shape {array.shape}.")
    if array.dtype == bool:
        return array
    array = array.astype(float)
    if np.isnan(array).any():
        raise NotYet("your mask holds NaN: use True/False (or 1/0).")
    if np.isin(array, (0.0, 1.0)).all():
        return array == 1.0
    if np.isin(array, (0.0, -np.inf)).all():  # an additive mask: 0 = allowed, -inf = blocked
        return array == 0.0
    raise NotYet("give True/False (or 1/0) per pair: True where the row's token may attend to the column's token.")


def _check_causal_mask(answer: Any) -> None:
    import torch

    for tokens in UNSEEN_SIZES:
        allowed = _allowed(call_learner(answer, tokens, what="your mask function"), tokens)
        right = np.tril(np.ones((tokens, tokens), dtype=bool))
        if np.array_equal(allowed, right):
            continue
        if np.array_equal(allowed, right.T):
            raise NotYet("that lets each token see the tokens to its right: rows are the attending token, so keep the "
                         "lower triangle (torch.tril).")
        if np.array_equal(allowed, np.tril(right, k=-1)):
            raise NotYet("a token may attend to itself too: keep the diagonal.")
        if allowed.all():
            raise NotYet("everything allowed is BERT's (no) mask: block each token from the tokens after it.")
        raise NotYet(f"for {tokens} tokens your mask is not the lower triangle including the diagonal.")
    # plugged into attention: a later token must not change an earlier output
    generator = torch.Generator().manual_seed(6)
    q, k, v = (torch.randn(9, 4, generator=generator) for _ in range(3))
    allowed = torch.as_tensor(_allowed(call_learner(answer, 9, what="your mask function"), 9))
    scores = (q @ k.T).masked_fill(~allowed, float("-inf"))
    changed_v = v.clone()
    changed_v[-1] += 5.0
    out, out_changed = scores.softmax(-1) @ v, scores.softmax(-1) @ changed_v
    if not torch.equal(out[:-1], out_changed[:-1]):
        raise NotYet("with your mask, changing the last token still changes earlier outputs.")


def _solve_causal_mask() -> Any:
    import torch

    def my_causal_mask(tokens):
        return torch.ones(tokens, tokens, dtype=torch.bool).tril()  # row t may see columns 0..t

    return my_causal_mask


def _wrong_causal_mask() -> Any:
    import torch

    return lambda tokens: torch.ones(tokens, tokens, dtype=torch.bool).triu()


EXERCISES = [
    Exercise(
        id="06.1",
        title="Does a word after 'bank' change its GPT vector? (predict, then run)",
        check=_check_change,
        solution=_solve_change,
        context=_change_context,
        wrong=_wrong_change,
    ),
    Exercise(
        id="06.2",
        title="What ALBERT's 9x fewer parameters do and do not buy (interpret)",
        check=_check_albert,
        solution=_solve_albert,
        wrong=lambda: "a",
    ),
    Exercise(
        id="06.3",
        title="Write the causal mask (build)",
        check=_check_causal_mask,
        solution=_solve_causal_mask,
        wrong=_wrong_causal_mask,
    ),
]
