"""Mini language models of notebook 06: the causal mask, deterministic training, the probe, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from course_utils import lm
from course_utils.errors import CourseError, UnknownWordError
from course_utils.exercises import check, get_exercise

TINY = [
    "the river bank was muddy after the rain and the river rose",
    "the bank lent money to the company and the company paid the bank",
    "we walked along the river and sat on the bank in the sun",
    "the money in the bank earns interest every year",
] * 5


@pytest.fixture(scope="module")
def tiny() -> tuple[lm.LMVocabulary, np.ndarray]:
    docs = [lm.lm_tokenize(t) for t in TINY]
    vocab = lm.build_lm_vocabulary(docs, min_count=1)
    return vocab, lm.chunk_stream(lm.encode_stream(docs, vocab), 8)


def _prefix_unchanged(model: torch.nn.Module, vocab_size: int, causal: bool = True) -> bool:
    """Do the states of positions 0..5 stay the same when the tokens after them are replaced?"""
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(3, vocab_size, (2, 12), generator=generator)
    changed = ids.clone()
    changed[:, 6:] = torch.randint(3, vocab_size, (2, 6), generator=generator)
    assert not torch.equal(ids[:, 6:], changed[:, 6:])
    with torch.inference_mode():
        a, b = model.layers(ids, causal=causal), model.layers(changed, causal=causal)
    return all(torch.equal(x[:, :6], y[:, :6]) for x, y in zip(a, b, strict=True))


def test_causal_mask_is_lower_triangle_with_diagonal() -> None:
    mask = lm.causal_mask(5)
    assert mask.dtype == torch.bool and mask.shape == (5, 5)
    assert torch.equal(mask, torch.tensor(np.tril(np.ones((5, 5), dtype=bool))))


def test_gpt_token_vectors_ignore_every_later_token() -> None:
    gpt = lm.make_gpt(50, dim=32, layers=2, heads=4, max_len=16, seed=0)
    assert _prefix_unchanged(gpt, 50)


def test_the_property_breaks_without_the_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    gpt = lm.make_gpt(50, dim=32, layers=2, heads=4, max_len=16, seed=0)
    assert not _prefix_unchanged(gpt, 50, causal=False)  # the flag: BERT-style attention sees the right
    monkeypatch.setattr(lm, "causal_mask", lambda tokens: torch.ones(tokens, tokens, dtype=torch.bool))
    assert not _prefix_unchanged(gpt, 50)  # the mask removed inside the model: the test above would fail


def test_elmo_forward_half_ignores_the_right_backward_half_does_not() -> None:
    bilm = lm.make_bilm(50, dim=16, layers=2, seed=0)
    generator = torch.Generator().manual_seed(2)
    ids = torch.randint(3, 50, (1, 10), generator=generator)
    changed = ids.clone()
    changed[0, 7] = 3 if ids[0, 7] != 3 else 4
    with torch.inference_mode():
        a, b = bilm.layers(ids)[-1], bilm.layers(changed)[-1]
    assert torch.equal(a[0, :7, :16], b[0, :7, :16])  # forward states left of the change
    assert not torch.equal(a[0, :7, 16:], b[0, :7, 16:])  # backward states see it


@pytest.mark.parametrize("make", [lambda v: lm.make_bilm(v, dim=16, layers=1, seed=3),
                                  lambda v: lm.make_gpt(v, dim=16, layers=1, heads=2, max_len=8, seed=3)])
def test_training_is_deterministic_for_a_seed(tiny: tuple[lm.LMVocabulary, np.ndarray], make) -> None:
    vocab, rows = tiny
    runs = []
    for seed in (5, 5, 6):
        model = make(len(vocab))
        history = lm.train_lm(model, rows, rows[:4], steps=6, batch_size=4, seed=seed, eval_every=3, progress=False)
        runs.append((history.train_loss, torch.cat([p.detach().flatten() for p in model.parameters()])))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]  # another seed draws other batches
    assert runs[0][0][-1] < runs[0][0][0]  # and the loss goes down


def test_module_matches_the_probe_of_notebook_05() -> None:
    path = Path(__file__).resolve().parents[1] / "notebooks" / "05_contextual_embeddings.ipynb"
    source = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    river = re.search(r"RIVER = \[(.*?)\]", source, flags=re.S).group(1)
    money = re.search(r"MONEY = \[(.*?)\]", source, flags=re.S).group(1)
    assert tuple(re.findall(r'"(.*?)"', river)) == lm.BANK_RIVER
    assert tuple(re.findall(r'"(.*?)"', money)) == lm.BANK_MONEY
    assert all("bank" in lm.lm_tokenize(s) for s in lm.BANK_RIVER + lm.BANK_MONEY)


def test_sense_gap_and_interval() -> None:
    sense = np.array(["river"] * 4 + ["money"] * 4)
    rng = np.random.default_rng(0)
    separated = np.r_[np.tile([1.0, 0.0], (4, 1)), np.tile([0.0, 1.0], (4, 1))] + 0.05 * rng.normal(size=(8, 2))
    score = lm.sense_gap(separated, sense)
    assert score["gap"] > 0.9 and score["nearest-centroid accuracy"] == 1.0
    same = np.tile([1.0, 2.0], (8, 1))
    assert lm.sense_gap(same, sense)["gap"] == pytest.approx(0.0, abs=1e-12)
    interval = lm.gap_interval(separated, sense, n_resamples=200)
    assert interval.low <= score["gap"] <= interval.high
    assert lm.compare_gaps(separated, same, sense, n_resamples=200).differs


def test_scalar_mix() -> None:
    layers = np.arange(12.0).reshape(3, 2, 2)
    assert np.allclose(lm.scalar_mix(layers), layers.mean(axis=0))
    assert np.allclose(lm.scalar_mix(layers, [0.0, 0.0, 60.0], gamma=2.0), 2 * layers[2])
    with pytest.raises(CourseError, match="one finite number per layer"):
        lm.scalar_mix(layers, [1.0, float("nan"), 0.0])


def test_encoder_pools(tiny: tuple[lm.LMVocabulary, np.ndarray]) -> None:
    vocab, _ = tiny
    gpt = lm.make_gpt(len(vocab), dim=16, layers=1, heads=2, max_len=8, seed=0)
    text = "the river bank was muddy"
    layers = lm.token_layers(gpt, vocab, text)
    assert np.allclose(lm.lm_encoder(gpt, vocab, "last", layer=-1)([text])[0], layers[-1, -1], atol=1e-6)
    assert np.allclose(lm.lm_encoder(gpt, vocab, "mean", layer=-1)([text])[0], layers[-1].mean(0), atol=1e-6)
    long_text = " ".join(["the river"] * 20)
    assert lm.token_layers(gpt, vocab, long_text).shape[1] == 8  # cut at max_len


def test_bad_input_gets_a_course_error(tiny: tuple[lm.LMVocabulary, np.ndarray]) -> None:
    vocab, rows = tiny
    with pytest.raises(CourseError, match="empty"):
        lm.lm_tokenize("   ")
    with pytest.raises(CourseError, match="no words"):
        lm.build_lm_vocabulary([])
    with pytest.raises(CourseError, match="fewer than one sequence"):
        lm.chunk_stream(np.arange(5), 8)
    model = lm.make_bilm(len(vocab), dim=8, seed=0)
    with pytest.raises(CourseError, match="ids outside"):
        lm.train_lm(model, rows + len(vocab), rows, steps=1, progress=False)
    with pytest.raises(CourseError, match="integer array"):
        lm.train_lm(model, rows.astype(float), rows, steps=1, progress=False)
    with pytest.raises(CourseError, match="pooling"):
        lm.lm_encoder(model, vocab, pooling="max")
    with pytest.raises(CourseError, match="list of strings"):
        lm.lm_encoder(model, vocab)("one string")
    with pytest.raises(UnknownWordError, match="not a token"):
        lm.word_layers(model, vocab, "the river rose", "bank")
    with pytest.raises(CourseError, match="divisible"):
        lm.make_gpt(20, dim=10, heads=4)


def test_online_probe_fails_at_once_offline() -> None:
    from course_utils.errors import OfflineError

    with pytest.raises(OfflineError, match="offline"):
        lm.transformer_bank_vectors("gpt2")


@pytest.mark.parametrize("exercise_id", ["06.1", "06.2", "06.3"])
def test_exercises_solution_passes_wrong_fails(exercise_id: str) -> None:
    exercise = get_exercise(exercise_id)
    context = exercise.context()
    assert check(exercise_id, exercise.solution(**context), **context).passed
    assert not check(exercise_id, exercise.wrong(**context), **context).passed
    assert check(exercise_id, None, **context).status == "not attempted"


def test_causal_mask_exercise_accepts_forms_and_explains_mistakes() -> None:
    ok = [lambda n: np.tril(np.ones((n, n))), lambda n: torch.tril(torch.ones(n, n, dtype=torch.int64)),
          lambda n: torch.full((n, n), float("-inf")).triu(1)]
    for answer in ok:
        assert check("06.3", answer).passed
    strict = check("06.3", lambda n: torch.ones(n, n, dtype=torch.bool).tril(-1))
    assert not strict.passed and "itself" in strict.message
    everything = check("06.3", lambda n: torch.ones(n, n, dtype=torch.bool))
    assert not everything.passed and "BERT" in everything.message
    assert not check("06.3", lambda n: torch.full((n, n), float("nan"))).passed


def _weights(model: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in model.state_dict().values() if p.is_floating_point()])


def test_training_key_names_rows_and_settings(tiny: tuple[lm.LMVocabulary, np.ndarray]) -> None:
    _, rows = tiny
    key = lm.training_key(rows, rows[:4], "bilm dim=16")
    assert len(key) == 12 and key == lm.training_key(rows.copy(), rows[:4].copy(), "bilm dim=16")
    others = {lm.training_key(rows, rows[:4], "bilm dim=32"), lm.training_key(rows[::-1], rows[:4], "bilm dim=16"),
              lm.training_key(rows, rows[:3], "bilm dim=16"), lm.training_key(rows.reshape(-1, 4), rows[:4], "bilm dim=16")}
    assert key not in others and len(others) == 4
    with pytest.raises(CourseError, match="settings must describe the run"):
        lm.training_key(rows, rows, "")


def test_trained_or_shipped_trains_once_then_reads_the_run_only_if_its_start_matches(
        tiny: tuple[lm.LMVocabulary, np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vocab, rows = tiny
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(lm, "SHIPPED_MODELS", tmp_path / "shipped")
    calls = []

    def make():
        calls.append(1)
        return lm.make_bilm(len(vocab), dim=16, layers=1, seed=3)

    options = dict(steps=8, name="tiny", settings="bilm dim=16 layers=1 init_seed=3", live_steps=3, batch_size=4,
                   seed=5, eval_every=3, progress=False)
    model, history, start, source = lm.trained_or_shipped(make, rows, rows[:4], **options)
    assert source == "trained now" and len(calls) == 2 and len(history.train_loss) == 8
    assert start.train_loss == history.train_loss[:3] and lm.same_start(history, start)
    reference = lm.train_lm(lm.make_bilm(len(vocab), dim=16, layers=1, seed=3), rows, rows[:4], steps=8, batch_size=4,
                            seed=5, eval_every=3, progress=False)
    assert history.train_loss == reference.train_loss

    again, history2, _, source2 = lm.trained_or_shipped(make, rows, rows[:4], **options)
    assert source2 == "cached" and len(calls) == 3 and history2 == history
    assert torch.equal(_weights(again), _weights(model))

    cached = next((tmp_path / "cache" / "nb06_models").iterdir())
    shipped_folder = tmp_path / "shipped"
    shipped_folder.mkdir()
    cached.rename(shipped_folder / cached.name)  # the same files, now where the course ships them
    _, _, _, source3 = lm.trained_or_shipped(make, rows, rows[:4], **options)
    assert source3 == "shipped"

    record = json.loads((shipped_folder / cached.name / "tiny.json").read_text())
    record["train_loss"][1] += 0.01  # a run that did not start like this machine's
    (shipped_folder / cached.name / "tiny.json").write_text(json.dumps(record))
    _, history4, _, source4 = lm.trained_or_shipped(make, rows, rows[:4], **options)
    assert source4 == "trained now" and history4.train_loss == reference.train_loss

    _, _, _, source5 = lm.trained_or_shipped(make, rows, rows[:4], **(options | {"seed": 6}))
    assert source5 == "trained now"  # another setting, another key


def test_trained_or_shipped_refuses_bad_arguments(tiny: tuple[lm.LMVocabulary, np.ndarray]) -> None:
    vocab, rows = tiny
    make = lambda: lm.make_bilm(len(vocab), dim=16, layers=1, seed=3)  # noqa: E731
    with pytest.raises(CourseError, match="must not exceed steps"):
        lm.trained_or_shipped(make, rows, rows[:4], steps=3, name="tiny", settings="s", live_steps=5)
    with pytest.raises(CourseError, match="name must be a short file name"):
        lm.trained_or_shipped(make, rows, rows[:4], steps=3, name="a/b", settings="s", live_steps=1)
    with pytest.raises(CourseError, match="make must be a function"):
        lm.trained_or_shipped("bilm", rows, rows[:4], steps=3, name="tiny", settings="s", live_steps=1)
