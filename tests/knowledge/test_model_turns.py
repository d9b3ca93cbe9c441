"""A lead's question is embedded before a document's next batch, however long the ingestion."""

from __future__ import annotations

import threading
import time

from leadflow.knowledge.embedder import ModelTurns


def test_a_question_goes_before_the_documents_next_batch() -> None:
    turns, order = ModelTurns(), []
    first_batch_running, finish_first_batch = threading.Event(), threading.Event()

    def ingest() -> None:
        for batch in range(3):
            with turns.turn(bulk=True):
                order.append(f"batch {batch}")
                if batch == 0:
                    first_batch_running.set()
                    finish_first_batch.wait(5)

    def ask() -> None:
        with turns.turn(bulk=False):
            order.append("question")

    ingestion = threading.Thread(target=ingest)
    ingestion.start()
    assert first_batch_running.wait(5)
    question = threading.Thread(target=ask)
    question.start()
    while turns._prompt_waiting == 0:  # the question is waiting for the model
        time.sleep(0.001)
    finish_first_batch.set()
    ingestion.join(5)
    question.join(5)

    assert order == ["batch 0", "question", "batch 1", "batch 2"]


def test_one_run_at_a_time() -> None:
    turns, running, most = ModelTurns(), [0], [0]

    def run(bulk: bool) -> None:
        for _ in range(20):
            with turns.turn(bulk=bulk):
                running[0] += 1
                most[0] = max(most[0], running[0])
                time.sleep(0.0005)
                running[0] -= 1

    threads = [threading.Thread(target=run, args=(n % 2 == 0,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1
