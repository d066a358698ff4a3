"""Fine-tuning helpers: Word2Vec continued training, contrastive MiniLM, end-to-end classifiers. Taught in notebooks/09_fine_tuning.ipynb.

Three ways of adapting a pretrained representation to a domain or a task:
- continue training gensim Word2Vec on new sentences (with the vocabulary update and its pitfalls);
- fine-tune a SentenceTransformer with MultipleNegativesRankingLoss on (anchor, positive) pairs,
  here two paragraphs of the same Wikipedia article, split by article;
- fine-tune the transformer end to end with a linear head for classification (a plain torch loop).
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.benchmarks import RetrievalTask, l2_normalize
from course_utils.errors import CourseError

if TYPE_CHECKING:  # heavy imports stay out of import time
    import pandas as pd
    import torch
    from gensim.models import Word2Vec
    from sentence_transformers import SentenceTransformer

    from course_utils.data import Article


def release_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc), so the next model fits in RAM. Taught in notebooks/09_fine_tuning.ipynb."""
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
    if not sentences or not all(isinstance(s, (list, tuple)) for s in sentences):
        raise CourseError("continue_word2vec needs a non-empty list of token lists, e.g. [tokenize(doc) for doc in docs].")
    tuned = copy.deepcopy(model)
    if update_vocab:
        tuned.build_vocab(sentences, update=True)
    tuned.train(sentences, total_examples=len(sentences), epochs=epochs)
    return tuned


def vector_drift(before: Any, after: Any, words: Sequence[str]) -> np.ndarray:
    """Cosine between each word's vector before and after further training (1 = unchanged). Taught in notebooks/09_fine_tuning.ipynb."""
    missing = [w for w in words if w not in before.key_to_index or w not in after.key_to_index]
    if missing:
        raise CourseError(f"{len(missing)} word(s) are not in both models, e.g. {missing[:3]}; pass words both know.")
    a = l2_normalize(np.stack([before[w] for w in words]))
    b = l2_normalize(np.stack([after[w] for w in words]))
    return np.sum(a * b, axis=1)


# ---------------------------------------------------------------- pairs from Wikipedia
def split_articles(articles: Sequence[Article], test_fraction: float = 0.5,
                   seed: int = 42) -> tuple[list[Article], list[Article]]:
    """Shuffle articles and split them into (train, test): no article is on both sides. Taught in notebooks/09_fine_tuning.ipynb."""
    if not 0 < test_fraction < 1:
        raise CourseError(f"test_fraction must be between 0 and 1, got {test_fraction}.")
    usable = [a for a in articles if len(a.paragraphs) >= 2]
    order = np.random.default_rng(seed).permutation(len(usable))
    n_test = int(round(test_fraction * len(usable)))
    test = [usable[i] for i in order[:n_test]]
    train = [usable[i] for i in order[n_test:]]
    return train, test


def same_article_pairs(articles: Sequence[Article], pairs_per_article: int = 4,
                       seed: int = 42) -> list[tuple[str, str, int]]:
    """(paragraph, another paragraph of the same article, article index) positives. Taught in notebooks/09_fine_tuning.ipynb."""
    rng = np.random.default_rng(seed)
    pairs = []
    for index, article in enumerate(articles):
        n = len(article.paragraphs)
        if n < 2:
            continue
        for _ in range(min(pairs_per_article, n * (n - 1) // 2)):
            i, j = rng.choice(n, size=2, replace=False)
            pairs.append((article.paragraphs[i], article.paragraphs[j], index))
    return pairs


def distinct_group_order(groups: Sequence[int], batch_size: int, seed: int = 42) -> list[int]:
    """An order of the items such that every block of batch_size has no group twice (leftovers dropped). Taught in notebooks/09_fine_tuning.ipynb.

    MultipleNegativesRankingLoss treats every other positive in the batch as a negative: two pairs
    of the same article in one batch would teach the model that they are unrelated.
    """
    rng = np.random.default_rng(seed)
    remaining: dict[int, list[int]] = {}
    for item, group in enumerate(groups):
        remaining.setdefault(int(group), []).append(item)
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


def heldout_retrieval_task(articles: Sequence[Article], queries_per_article: int = 4,
                           seed: int = 0) -> tuple[RetrievalTask, np.ndarray]:
    """Later paragraphs must find their article's 'title. lead' among the given articles. Taught in notebooks/09_fine_tuning.ipynb.

    Returns the task (one document per article) and, for each query, the index of its document.
    """
    rng = np.random.default_rng(seed)
    queries, targets = [], []
    for index, article in enumerate(articles):
        later = list(article.paragraphs[1:])
        if not later:
            continue
        for k in rng.choice(len(later), size=min(queries_per_article, len(later)), replace=False):
            queries.append(later[k])
            targets.append(index)
    documents = [f"{a.title}. {a.paragraphs[0]}" for a in articles]
    return RetrievalTask(queries, documents, [a.title for a in articles]), np.asarray(targets)


def retrieval_scores(query_vectors: Any, document_vectors: Any, targets: np.ndarray,
                     ks: Sequence[int] = (1, 3)) -> dict[str, float]:
    """Recall@k and MRR when query i's correct document is targets[i]. Taught in notebooks/09_fine_tuning.ipynb."""
    sims = l2_normalize(query_vectors) @ l2_normalize(document_vectors).T
    correct = sims[np.arange(len(targets)), targets]
    ranks = 1 + np.sum(sims > correct[:, None], axis=1)  # as rank_of_correct, with the target off the diagonal
    out = {f"recall@{k}": float(np.mean(ranks <= k)) for k in ks}
    out["mrr"] = float(np.mean(1.0 / ranks))
    return out


# ---------------------------------------------------------------- sentence-transformers training
def sentence_encoder_of(model: SentenceTransformer, batch_size: int = 32) -> Any:
    """A text encoder (list[str] -> normalised numpy matrix) from a SentenceTransformer. Taught in notebooks/09_fine_tuning.ipynb."""

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)

    return encode


def _sequential_sampler_class() -> type:
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


def train_contrastive(model: SentenceTransformer, pairs: Sequence[tuple[str, str]], output_dir: str,
                      batch_size: int = 16, epochs: int = 1, learning_rate: float = 5e-5,
                      seed: int = 42, progress: bool = True, freeze_word_embeddings: bool = True) -> list[float]:
    """Fine-tune in place with MultipleNegativesRankingLoss on (anchor, positive) pairs, in the given order; returns the loss per step. Taught in notebooks/09_fine_tuning.ipynb.

    Uses sentence-transformers' SentenceTransformerTrainer on the CPU, batches taken in order (build the
    order with distinct_group_order so in-batch negatives are true negatives), no checkpoints.
    ``freeze_word_embeddings`` keeps the 30,522-row word-piece table fixed: it is half of MiniLM's weights, so
    freezing it halves the optimizer's memory (Binder has 2 GB), and a few hundred pairs cannot teach it much.
    """
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    if len(pairs) < 2:
        raise CourseError("Contrastive training needs at least two (anchor, positive) pairs: the others in a batch are the negatives.")
    dataset = Dataset.from_dict({"anchor": [p[0] for p in pairs], "positive": [p[1] for p in pairs]})
    args = SentenceTransformerTrainingArguments(
        output_dir=output_dir, num_train_epochs=epochs, per_device_train_batch_size=batch_size,
        learning_rate=learning_rate, warmup_steps=0.1, seed=seed, data_seed=seed, report_to="none",
        save_strategy="no", logging_steps=1, use_cpu=True, disable_tqdm=not progress,
        batch_sampler=_sequential_sampler_class(), dataloader_drop_last=True,
    )
    frozen = list(model[0].auto_model.embeddings.word_embeddings.parameters()) if freeze_word_embeddings else []
    for parameter in frozen:
        parameter.requires_grad_(False)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset,
                                         loss=MultipleNegativesRankingLoss(model))
    try:
        trainer.train()
    finally:
        for parameter in frozen:
            parameter.requires_grad_(True)
    model.eval()
    losses = [float(h["loss"]) for h in trainer.state.log_history if "loss" in h]
    del trainer
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


def _evaluate(classifier: Any, texts: list[str], labels: np.ndarray, batch_size: int) -> tuple[float, float]:
    import torch

    classifier.eval()
    losses, correct = [], 0
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            logits = classifier(texts[start:start + batch_size])
            y = torch.as_tensor(labels[start:start + batch_size])
            losses.append(float(torch.nn.functional.cross_entropy(logits, y, reduction="sum")))
            correct += int((logits.argmax(dim=1) == y).sum())
    return sum(losses) / len(texts), correct / len(texts)


def finetune_classifier(body: SentenceTransformer, texts: Sequence[str], labels: Sequence[int],
                        train_index: np.ndarray, test_index: np.ndarray, epochs: int = 4,
                        learning_rate: float = 5e-5, head_learning_rate: float = 1e-3, batch_size: int = 16,
                        seed: int = 0, freeze_word_embeddings: bool = True) -> pd.DataFrame:
    """Train a copy of the transformer plus a linear head end to end; loss and accuracy per epoch. Taught in notebooks/09_fine_tuning.ipynb.

    ``freeze_word_embeddings`` keeps the word-piece table fixed (half of MiniLM's weights; see train_contrastive).
    A plain torch loop (AdamW, cross-entropy): the transformer at learning_rate, the new head (random at
    the start) at the larger head_learning_rate. The model passed in is copied, never changed.
    One row per epoch: the training loss and accuracy averaged over that epoch's batches (measured while
    training, dropout on) and the loss and accuracy on the test part after the epoch.
    """
    import pandas as pd
    import torch

    texts = list(texts)
    labels = np.asarray(labels, dtype=np.int64)
    if len(texts) != len(labels):
        raise CourseError(f"{len(texts)} texts but {len(labels)} labels: give one label per text.")
    if len(set(train_index) & set(test_index)):
        raise CourseError("train_index and test_index overlap: a test text must never be trained on.")
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
        test_loss, test_acc = _evaluate(classifier, test_texts, test_y, 64)
        history.append({"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen,
                        "test_loss": test_loss, "test_accuracy": test_acc})
    del classifier, optimizer
    release_memory()  # free the copy and the optimizer state now, not at some later collection
    return pd.DataFrame(history)
