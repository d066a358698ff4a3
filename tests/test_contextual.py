"""course_utils.contextual: mean pooling equals SentenceTransformer, word-in-context vectors, attention maps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils import contextual  # noqa: E402
from course_utils.errors import CourseError  # noqa: E402
from course_utils.models import load_sentence_model, load_transformer  # noqa: E402

RIVER = ["We had a picnic on the grassy bank of the river.", "The fisherman sat on the bank and waited for a bite.",
         "Willow trees grow along the muddy bank of the stream."]
MONEY = ["I need to go to the bank to deposit my salary.", "The bank approved our mortgage after a long wait.",
         "She opened a savings account at the local bank."]


@pytest.fixture(scope="module")
def st():
    return load_sentence_model()


@pytest.fixture(scope="module")
def bert():
    return load_transformer(attentions=True)


# ---------------------------------------------------------------- mean_pool
def _padded() -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randn(2, 5, 3, generator=torch.Generator().manual_seed(0))
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]])
    return x, mask


def test_mean_pool_averages_only_real_tokens():
    x, mask = _padded()
    pooled = contextual.mean_pool(x, mask)
    torch.testing.assert_close(pooled[0], x[0].mean(0))
    torch.testing.assert_close(pooled[1], x[1, :2].mean(0))
    x[1, 2:] = 1e6  # padding values must not matter
    torch.testing.assert_close(contextual.mean_pool(x, mask)[1], pooled[1])


def test_mean_pool_numpy_equals_torch_and_handles_one_text():
    x, mask = _padded()
    np.testing.assert_allclose(contextual.mean_pool(x.numpy(), mask.numpy()), contextual.mean_pool(x, mask).numpy(), rtol=1e-6)
    single = contextual.mean_pool(x[1].numpy(), mask[1].numpy())
    assert single.shape == (3,)
    np.testing.assert_allclose(single, x[1, :2].mean(0).numpy(), rtol=1e-6)


def test_mean_pool_rejects_mismatched_inputs():
    x, mask = _padded()
    with pytest.raises(CourseError, match="one 0/1 entry per token"):
        contextual.mean_pool(x, mask[:, :3])
    with pytest.raises(CourseError, match="torch tensors or both numpy arrays"):
        contextual.mean_pool(x, mask.numpy())


def test_mean_pool_then_normalise_equals_sentence_transformer_encode(st):
    texts = ["The bank is closed.", "We sat on the bank of the river, watching the ducks.", "Hi"]
    batch = st.tokenizer(texts, padding=True, truncation=True, max_length=st.max_seq_length, return_tensors="pt")
    with torch.inference_mode():
        tokens = st[0].auto_model(**batch).last_hidden_state
    ours = torch.nn.functional.normalize(contextual.mean_pool(tokens, batch["attention_mask"]), dim=1).numpy()
    library = st.encode(texts, show_progress_bar=False)
    np.testing.assert_allclose(ours, library, atol=1e-5)
    unmasked = torch.nn.functional.normalize(tokens.mean(1), dim=1).numpy()
    assert np.abs(unmasked - library).max() > 1e-3  # the mask matters for padded texts


# ---------------------------------------------------------------- sentence_encoder
def test_sentence_encoder_gives_unit_rows_and_prints_nothing(st, capfd):
    encode = contextual.sentence_encoder(st, batch_size=2)
    vectors = encode(["a river bank", "a savings bank", "the lender", "ducks"])
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert isinstance(vectors, np.ndarray) and vectors.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors, st.encode(["a river bank", "a savings bank", "the lender", "ducks"],
                                                  show_progress_bar=False), atol=1e-5)
    assert vectors[1] @ vectors[2] > vectors[1] @ vectors[3]  # savings bank is nearer the lender than ducks


def test_sentence_encoder_loads_bundled_model_when_none():
    vectors = contextual.sentence_encoder()(["hello world"])
    assert vectors.shape == (1, 384)


def test_sentence_encoder_rejects_bad_input(st):
    encode = contextual.sentence_encoder(st)
    with pytest.raises(CourseError, match="not one string"):
        encode("a single string")
    with pytest.raises(CourseError, match="empty"):
        encode(["fine", "  "])
    with pytest.raises(CourseError, match="SentenceTransformer"):
        contextual.sentence_encoder(object())


# ---------------------------------------------------------------- word_in_context_vectors
def test_word_vectors_have_one_row_per_layer_and_match_hidden_states(bert):
    tokenizer, model = bert
    sentence = "The embeddings are useful."
    vectors = contextual.word_in_context_vectors(tokenizer, model, sentence, "embeddings")
    assert vectors.shape == (7, 384)
    batch = tokenizer(sentence, return_tensors="pt")
    pieces = tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
    assert pieces[2:6] == ["em", "##bed", "##ding", "##s"]
    with torch.inference_mode():
        hidden = model(**batch, output_hidden_states=True).hidden_states
    for layer in (0, 3, 6):
        np.testing.assert_allclose(vectors[layer], hidden[layer][0, 2:6].mean(0).numpy(), atol=1e-5)


def test_word_lookup_is_whole_word_and_case_insensitive(bert):
    tokenizer, model = bert
    a = contextual.word_in_context_vectors(tokenizer, model, "Banks lend. The Bank is here.", "bank")
    b = contextual.word_in_context_vectors(tokenizer, model, "Banks lend. The Bank is here.", "BANK")
    np.testing.assert_array_equal(a, b)
    assert contextual.find_word("Banks lend. The Bank is here.", "bank") == (16, 20)
    with pytest.raises(CourseError, match="does not occur as a whole word"):
        contextual.word_in_context_vectors(tokenizer, model, "The banks are closed.", "bank")


def test_bank_senses_separate_in_deep_layers_not_at_layer_0(bert):
    tokenizer, model = bert
    V = np.stack([contextual.word_in_context_vectors(tokenizer, model, s, "bank") for s in RIVER + MONEY])
    V /= np.linalg.norm(V, axis=2, keepdims=True)

    def gap(layer: int) -> float:
        S = V[:, layer] @ V[:, layer].T
        within = (S[:3, :3][np.triu_indices(3, 1)].mean() + S[3:, 3:][np.triu_indices(3, 1)].mean()) / 2
        return within - S[:3, 3:].mean()

    assert abs(gap(0)) < 0.03
    assert gap(6) > 0.05


# ---------------------------------------------------------------- attention
def test_attention_maps_shape_and_rows_sum_to_one(bert):
    tokenizer, model = bert
    tokens, attention = contextual.attention_maps(tokenizer, model, "The bank is closed.")
    assert tokens == ["[CLS]", "the", "bank", "is", "closed", ".", "[SEP]"]
    assert attention.shape == (6, 12, 7, 7)
    np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-5)


def test_attention_maps_needs_eager_attention():
    tokenizer, model = load_transformer()  # sdpa: no attention weights
    with pytest.raises(CourseError, match="attentions=True"):
        contextual.attention_maps(tokenizer, model, "The bank is closed.")


def test_plot_attention_draws_the_chosen_head(bert):
    import matplotlib.pyplot as plt

    tokens, attention = contextual.attention_maps(*bert, "The bank is closed.")
    ax = contextual.plot_attention(tokens, attention, layer=2, head=5)
    assert ax.get_title() == "Attention, layer 2, head 5"
    assert [t.get_text() for t in ax.get_xticklabels()] == tokens
    np.testing.assert_array_equal(ax.images[0].get_array(), attention[2, 5])
    assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(CourseError, match="layer must be in 0..5"):
        contextual.plot_attention(tokens, attention, layer=6)
    with pytest.raises(CourseError, match="same sentence"):
        contextual.plot_attention(tokens[:3], attention)
    plt.close("all")


@pytest.mark.parametrize("bad", ["sentence-transformers/all-MiniLM-L6-v2", b"name", 42, object()])
def test_sentence_encoder_refuses_a_name_or_anything_but_a_model(bad):
    with pytest.raises(CourseError, match="must be a SentenceTransformer"):
        contextual.sentence_encoder(bad)
