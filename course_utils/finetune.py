"""Fine-tuning: Word2Vec continued, contrastive MiniLM, end-to-end classifiers. Taught in notebooks/09_fine_tuning.ipynb.

Three ways of adapting a pretrained representation to a domain or a task:
- continue training gensim Word2Vec on new sentences (with the vocabulary update and its pitfalls);
- fine-tune a SentenceTransformer with (cached) MultipleNegativesRankingLoss on (anchor, positive) pairs,
  here a later paragraph of a Wikipedia article and the article's "title. lead", split by article;
- fine-tune the transformer end to end with a linear head for classification (a plain torch loop).
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.benchmarks import RetrievalTask, rank_of_correct
from course_utils.errors import (
    CourseError,
    require_int,
    require_number,
    require_sentences,
    require_text,
    require_texts,
    require_words,
)
from course_utils.threads import uses_free_cpus
from course_utils.vectors import cosine_matrix, l2_normalize

if TYPE_CHECKING:  # heavy imports stay out of import time
    import pandas as pd
    import torch
    from gensim.models import Word2Vec
    from sentence_transformers import SentenceTransformer

    from course_utils.data import Article


def release_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc). Taught in notebooks/09_fine_tuning.ipynb."""
    import ctypes
    import sys

    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except OSError:  # not glibc (e.g. Alpine's musl): nothing to trim
            pass


# ---------------------------------------------------------------- Word2Vec, continued
def continue_word2vec(model: Word2Vec, sentences: Sequence[Sequence[str]], epochs: int = 5,
                      update_vocab: bool = True) -> Word2Vec:
    """A copy of a trained Word2Vec trained further on new sentences. Taught in notebooks/09_fine_tuning.ipynb.

    With ``update_vocab=True`` words of the new corpus that reach ``min_count`` *in the new corpus*
    are added (gensim's ``build_vocab(update=True)``); otherwise only known words are trained.
    The original model is left untouched.
    """
    sentences = require_sentences(sentences, "sentences")
    epochs = require_int(epochs, "epochs", minimum=1)
    if not hasattr(model, "build_vocab") or not hasattr(model, "wv"):
        raise CourseError(f"model must be a trained gensim Word2Vec (not its .wv), got {type(model).__name__}.")
    tuned = copy.deepcopy(model)
    if update_vocab:
        tuned.build_vocab(sentences, update=True)
    tuned.train(sentences, total_examples=len(sentences), epochs=epochs)
    return tuned


def vector_drift(before: Any, after: Any, words: Sequence[str]) -> np.ndarray:
    """Cosine of each word's vector before and after more training (1 = unchanged). Taught in notebooks/09_fine_tuning.ipynb."""
    words = require_words(words, "words")
    missing = [w for w in words if w not in before.key_to_index or w not in after.key_to_index]
    if missing:
        raise CourseError(f"{len(missing)} word(s) are not in both models, e.g. {missing[:3]}; pass words both know.")
    a = l2_normalize(np.stack([before[w] for w in words]))
    b = l2_normalize(np.stack([after[w] for w in words]))
    return np.sum(a * b, axis=1)


# ---------------------------------------------------------------- pairs from Wikipedia
def _require_articles(articles: Any) -> list[Article]:
    if isinstance(articles, str) or articles is None or not hasattr(articles, "__iter__"):
        raise CourseError(f"articles must be a list of Article (from data.load_wikipedia()), got {type(articles).__name__}.")
    items = list(articles)
    if not items or not all(hasattr(a, "title") and hasattr(a, "paragraphs") for a in items):
        raise CourseError("articles must be a non-empty list of Article (from data.load_wikipedia()).")
    return items


def split_articles(articles: Sequence[Article], validation_fraction: float = 0.2, test_fraction: float = 0.4,
                   seed: int = 42) -> tuple[list[Article], list[Article], list[Article]]:
    """Shuffle articles into (train, validation, test); no article on two sides. Taught in notebooks/09_fine_tuning.ipynb.

    Articles with fewer than 2 paragraphs are left out.

    Validation chooses settings such as the number of epochs; the test part is looked at once, at the end.
    """
    usable = [a for a in _require_articles(articles) if len(a.paragraphs) >= 2]
    validation_fraction = require_number(validation_fraction, "validation_fraction", 0.0, 1.0)
    test_fraction = require_number(test_fraction, "test_fraction", 0.0, 1.0, strict=True)
    if validation_fraction + test_fraction >= 1:
        raise CourseError(f"validation_fraction + test_fraction must be below 1 (something is left to train on), "
                          f"got {validation_fraction} + {test_fraction}.")
    order = np.random.default_rng(seed).permutation(len(usable))
    n_test = int(round(test_fraction * len(usable)))
    n_validation = int(round(validation_fraction * len(usable)))
    test = [usable[i] for i in order[:n_test]]
    validation = [usable[i] for i in order[n_test:n_test + n_validation]]
    train = [usable[i] for i in order[n_test + n_validation:]]
    if not train or not test:
        raise CourseError(f"{len(usable)} articles are too few for this split: pass more articles or other fractions.")
    return train, validation, test


def heldout_retrieval_task(articles: Sequence[Article], queries_per_article: int = 4,
                           seed: int = 0) -> tuple[RetrievalTask, np.ndarray]:
    """Later paragraphs must find their article's 'title. lead' among the articles. Taught in notebooks/09_fine_tuning.ipynb.

    Returns the task (one document per article) and, for each query, the index of its document.
    """
    items = _require_articles(articles)
    queries_per_article = require_int(queries_per_article, "queries_per_article", minimum=1)
    rng = np.random.default_rng(seed)
    queries, targets = [], []
    for index, article in enumerate(items):
        later = list(article.paragraphs[1:])
        if not later:
            continue
        for k in rng.choice(len(later), size=min(queries_per_article, len(later)), replace=False):
            queries.append(later[k])
            targets.append(index)
    documents = [f"{a.title}. {a.paragraphs[0]}" for a in items]
    return RetrievalTask(queries, documents, [a.title for a in items]), np.asarray(targets, dtype=int)


def lead_pairs(articles: Sequence[Article], anchors_per_article: int = 4,
               seed: int = 1) -> list[tuple[str, str, int]]:
    """(later paragraph, its article's 'title. lead', article index) pairs. Taught in notebooks/09_fine_tuning.ipynb.

    Training pairs in exactly the format of heldout_retrieval_task.
    """
    task, targets = heldout_retrieval_task(articles, queries_per_article=anchors_per_article, seed=seed)
    return [(query, task.documents[t], int(t)) for query, t in zip(task.queries, targets, strict=True)]


def distinct_group_order(groups: Sequence[int], batch_size: int, seed: int = 42) -> list[int]:
    """An order in which no block of batch_size holds a group twice (leftovers dropped). Taught in notebooks/09_fine_tuning.ipynb.

    MultipleNegativesRankingLoss treats every other positive in the batch as a negative: two pairs
    of the same article in one batch would teach the model that they are unrelated.
    """
    if isinstance(groups, str) or groups is None or not hasattr(groups, "__iter__"):
        raise CourseError(f"groups must be a list with one group id (e.g. article index) per item, got {type(groups).__name__}.")
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    remaining: dict[Any, list[int]] = {}
    for item, group in enumerate(groups):
        remaining.setdefault(group.item() if hasattr(group, "item") else group, []).append(item)
    for items in remaining.values():
        rng.shuffle(items)
    order: list[int] = []
    while sum(1 for items in remaining.values() if items) >= batch_size:
        alive = [g for g, items in remaining.items() if items]
        # the groups with most items left go first, ties broken at random, so few items are dropped
        counts = np.array([len(remaining[g]) for g in alive]) + rng.random(len(alive))
        chosen = [alive[i] for i in np.argsort(-counts)[:batch_size]]
        rng.shuffle(chosen)
        order.extend(remaining[g].pop() for g in chosen)
    return order


def retrieval_ranks(query_vectors: Any, document_vectors: Any, targets: Sequence[int] | np.ndarray) -> np.ndarray:
    """Rank of each query's correct document by cosine (ties count against it). Taught in notebooks/09_fine_tuning.ipynb."""
    return rank_of_correct(cosine_matrix(query_vectors, document_vectors), np.asarray(targets))


def retrieval_scores(query_vectors: Any, document_vectors: Any, targets: Sequence[int] | np.ndarray,
                     ks: Sequence[int] = (1, 3)) -> dict[str, float]:
    """Recall@k and MRR when query i's correct document is targets[i]. Taught in notebooks/09_fine_tuning.ipynb."""
    ranks = retrieval_ranks(query_vectors, document_vectors, targets)
    out = {f"recall@{k}": float(np.mean(ranks <= k)) for k in ks}
    out["mrr"] = float(np.mean(1.0 / ranks))
    return out


# ---------------------------------------------------------------- sentence-transformers training
def sequential_batch_sampler() -> type:
    """A sentence-transformers batch sampler: consecutive blocks, in order. Taught in notebooks/09_fine_tuning.ipynb."""
    from sentence_transformers.base.sampler import DefaultBatchSampler

    class SequentialBatchSampler(DefaultBatchSampler):
        """Consecutive blocks of the dataset, in the order given (the order was built to keep articles apart)."""

        def __iter__(self):  # noqa: ANN204 - torch sampler protocol
            n = len(self.sampler)
            stop = n - n % self.batch_size if self.drop_last else n
            for start in range(0, stop, self.batch_size):
                yield list(range(start, min(start + self.batch_size, n)))

        def __len__(self) -> int:
            n = len(self.sampler)
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    return SequentialBatchSampler


def _require_pairs(pairs: Any) -> list[tuple[str, str]]:
    if isinstance(pairs, str) or pairs is None or not hasattr(pairs, "__iter__"):
        raise CourseError(f"pairs must be a list of (anchor, positive) string pairs, got {type(pairs).__name__}.")
    items = list(pairs)
    for i, pair in enumerate(items):
        if isinstance(pair, str) or not isinstance(pair, (tuple, list)) or len(pair) < 2:
            raise CourseError(f"pairs[{i}] must be an (anchor, positive) pair of strings, got {pair!r:.60}.")
        require_text(pair[0], f"pairs[{i}][0]")
        require_text(pair[1], f"pairs[{i}][1]")
    return [(p[0], p[1]) for p in items]


@uses_free_cpus
def train_contrastive(model: SentenceTransformer, pairs: Sequence[tuple[str, str]], output_dir: str,
                      batch_size: int = 16, epochs: int = 1, learning_rate: float = 5e-5,
                      seed: int = 42, progress: bool = True, freeze_word_embeddings: bool = True,
                      mini_batch_size: int | None = None,
                      on_epoch_end: Callable[[int], Any] | None = None) -> list[float]:
    """Fine-tune in place with in-batch negatives on (anchor, positive) pairs. Taught in notebooks/09_fine_tuning.ipynb.

    sentence-transformers' SentenceTransformerTrainer on the CPU, consecutive batches of the pairs as given
    (build the order with distinct_group_order so in-batch negatives are true negatives), the same order every
    epoch, no checkpoints. The loss is MultipleNegativesRankingLoss, or with ``mini_batch_size`` its cached
    version (CachedMultipleNegativesRankingLoss: the same loss and gradients for a large batch, computed
    mini_batch_size texts at a time, so memory stays small). ``on_epoch_end(epoch)`` is called after every
    epoch with the model in eval mode (e.g. to score a validation set). ``freeze_word_embeddings`` keeps the
    30,522-row word-piece table fixed: it is half of MiniLM's weights, so freezing it halves the optimizer's
    memory (Binder has 2 GB), and a few hundred pairs cannot teach it much.
    """
    items = _require_pairs(pairs)
    batch_size = require_int(batch_size, "batch_size", minimum=2)
    epochs = require_int(epochs, "epochs", minimum=1)
    learning_rate = require_number(learning_rate, "learning_rate", 0.0, 1.0, strict=True)
    if mini_batch_size is not None:
        mini_batch_size = require_int(mini_batch_size, "mini_batch_size", minimum=1)
    if not hasattr(model, "encode") or not hasattr(model, "tokenize"):
        raise CourseError(f"model must be a SentenceTransformer (from load_sentence_model()), got {type(model).__name__}.")
    if len(items) < batch_size:
        raise CourseError(f"{len(items)} pairs are fewer than one batch of {batch_size}: pass more pairs or a smaller "
                          "batch_size (the other pairs in a batch are the negatives).")
    if on_epoch_end is not None and not callable(on_epoch_end):
        raise CourseError("on_epoch_end must be a function of the epoch number, or None.")
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.losses import (
        CachedMultipleNegativesRankingLoss,
        MultipleNegativesRankingLoss,
    )
    from transformers import TrainerCallback

    class EpochEnd(TrainerCallback):
        """Calls on_epoch_end(epoch) in eval mode, then puts the model back in training mode."""

        def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            model.eval()
            on_epoch_end(int(round(state.epoch)))
            model.train()

    dataset = Dataset.from_dict({"anchor": [p[0] for p in items], "positive": [p[1] for p in items]})
    args = SentenceTransformerTrainingArguments(
        output_dir=output_dir, num_train_epochs=epochs, per_device_train_batch_size=batch_size,
        learning_rate=learning_rate, warmup_steps=0.1, seed=seed, data_seed=seed, report_to="none",
        save_strategy="no", logging_steps=1, use_cpu=True, disable_tqdm=not progress,
        batch_sampler=sequential_batch_sampler(), dataloader_drop_last=True,
    )
    loss = (MultipleNegativesRankingLoss(model) if mini_batch_size is None
            else CachedMultipleNegativesRankingLoss(model, mini_batch_size=mini_batch_size, show_progress_bar=False))
    frozen = list(model[0].auto_model.embeddings.word_embeddings.parameters()) if freeze_word_embeddings else []
    for parameter in frozen:
        parameter.requires_grad_(False)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset, loss=loss,
                                         callbacks=[EpochEnd()] if on_epoch_end is not None else None)
    try:
        trainer.train()
    finally:
        for parameter in frozen:
            parameter.requires_grad_(True)
    model.eval()
    losses = [float(h["loss"]) for h in trainer.state.log_history if "loss" in h]
    del trainer, loss
    release_memory()  # the trainer holds the optimizer state (twice the model's size) in reference cycles
    return losses


# ---------------------------------------------------------------- end-to-end classification
def _classifier(body: SentenceTransformer, n_classes: int, seed: int) -> Any:
    import torch

    class SentenceClassifier(torch.nn.Module):
        """A SentenceTransformer (pooled embedding) followed by one linear layer."""

        def __init__(self) -> None:
            super().__init__()
            self.body = body
            torch.manual_seed(seed)
            self.head = torch.nn.Linear(body.get_embedding_dimension(), n_classes)

        def forward(self, texts: list[str]) -> torch.Tensor:
            features = self.body.preprocess(texts)
            return self.head(self.body(features)["sentence_embedding"])

    return SentenceClassifier()


def _evaluate(classifier: Any, texts: list[str], labels: np.ndarray, batch_size: int) -> tuple[float, float, np.ndarray]:
    import torch

    classifier.eval()
    losses, predictions = [], []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            logits = classifier(texts[start:start + batch_size])
            y = torch.as_tensor(labels[start:start + batch_size])
            losses.append(float(torch.nn.functional.cross_entropy(logits, y, reduction="sum")))
            predictions.append(logits.argmax(dim=1).numpy())
    predicted = np.concatenate(predictions)
    return sum(losses) / len(texts), float(np.mean(predicted == labels)), predicted


@uses_free_cpus
def finetune_classifier(body: SentenceTransformer, texts: Sequence[str], labels: Sequence[int],
                        train_index: np.ndarray, test_index: np.ndarray, epochs: int = 4,
                        learning_rate: float = 5e-5, head_learning_rate: float = 1e-3, batch_size: int = 16,
                        seed: int = 0, freeze_word_embeddings: bool = True,
                        validation_index: np.ndarray | None = None) -> pd.DataFrame:
    """Train a copy of the transformer plus a linear head; loss and accuracy per epoch. Taught in notebooks/09_fine_tuning.ipynb.

    ``freeze_word_embeddings`` keeps the word-piece table fixed (half of MiniLM's weights; see train_contrastive).
    A plain torch loop (AdamW, cross-entropy): the transformer at learning_rate, the new head (random at
    the start) at the larger head_learning_rate. The model passed in is copied, never changed.
    One row per epoch: the training loss and accuracy averaged over that epoch's batches (measured while
    training, dropout on) and the loss, accuracy and predicted labels (in test_index order) on the test part after
    the epoch; with ``validation_index`` also loss and accuracy on that part (choose the epoch there, never on the test part).
    """
    import pandas as pd
    import torch

    texts = require_texts(texts, "texts")
    labels = np.asarray(labels, dtype=np.int64)
    epochs = require_int(epochs, "epochs", minimum=1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    if len(texts) != len(labels):
        raise CourseError(f"{len(texts)} texts but {len(labels)} labels: give one label per text.")
    parts = {"train_index": train_index, "test_index": test_index}
    if validation_index is not None:
        parts["validation_index"] = validation_index
    for name, index in parts.items():
        index = np.asarray(index)
        if index.ndim != 1 or not len(index) or index.dtype.kind not in "iu" or index.min() < 0 or index.max() >= len(texts):
            raise CourseError(f"{name} must be a non-empty array of text positions between 0 and {len(texts) - 1}.")
    names = list(parts)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if set(np.asarray(parts[first]).tolist()) & set(np.asarray(parts[second]).tolist()):
                raise CourseError(f"{first} and {second} overlap: a text must be in one part only (never train on a "
                                  "text you evaluate on).")
    train_texts, train_y = [texts[i] for i in train_index], labels[train_index]
    test_texts, test_y = [texts[i] for i in test_index], labels[test_index]
    classifier = _classifier(copy.deepcopy(body), int(labels.max()) + 1, seed)
    if freeze_word_embeddings:
        classifier.body[0].auto_model.embeddings.word_embeddings.weight.requires_grad_(False)
    trainable = [p for p in classifier.body.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": trainable, "lr": learning_rate},
                                   {"params": classifier.head.parameters(), "lr": head_learning_rate}], foreach=False)
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        classifier.train()
        seen, loss_sum, correct = 0, 0.0, 0
        for batch in np.array_split(rng.permutation(len(train_texts)), max(1, len(train_texts) // batch_size)):
            logits = classifier([train_texts[i] for i in batch])
            y = torch.as_tensor(train_y[batch])
            loss = torch.nn.functional.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen, loss_sum = seen + len(batch), loss_sum + float(loss.detach()) * len(batch)
            correct += int((logits.argmax(dim=1) == y).sum())
        row = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen}
        if validation_index is not None:
            val_texts, val_y = [texts[i] for i in validation_index], labels[np.asarray(validation_index)]
            row["validation_loss"], row["validation_accuracy"], _ = _evaluate(classifier, val_texts, val_y, 64)
        row["test_loss"], row["test_accuracy"], row["test_predictions"] = _evaluate(classifier, test_texts, test_y, 64)
        history.append(row)
    del classifier, optimizer
    release_memory()  # free the copy and the optimizer state now, not at some later collection
    return pd.DataFrame(history)
