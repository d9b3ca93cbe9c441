"""What tokens cost: US dollars per million input and output tokens, by model.

The table holds list prices of a few known models when this was written; vendors change them,
so ``LEADFLOW_LLM_PRICES_PER_MILLION`` (JSON, same shape) overrides or extends it. A model is
matched exactly, else by the longest known prefix (``gpt-4o-mini-2024-07-18`` is
``gpt-4o-mini``). An unknown model costs 0, with a warning: its tokens are still counted.
"""

from __future__ import annotations

import structlog

log = structlog.get_logger()

PricePerMillion = tuple[float, float]  # (input, output) USD per million tokens

KNOWN_PRICES: dict[str, PricePerMillion] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4": (3.00, 15.00),
    "deepseek-chat": (0.27, 1.10),
}

_warned: set[str] = set()


def price_of(
    model: str, overrides: dict[str, PricePerMillion] | None = None
) -> PricePerMillion | None:
    """The model's price per million tokens, or None when nobody told us."""
    table = {**KNOWN_PRICES, **(overrides or {})}
    if model in table:
        return table[model]
    prefixes = [known for known in table if model.startswith(f"{known}-")]
    return table[max(prefixes, key=len)] if prefixes else None


def cost_micros(
    model: str,
    input_tokens: int,
    output_tokens: int,
    overrides: dict[str, PricePerMillion] | None = None,
) -> int:
    """What the tokens cost in millionths of a dollar (USD per million tokens = micros per
    token); 0 for a model without a price."""
    price = price_of(model, overrides)
    if price is None:
        if model not in _warned:
            _warned.add(model)
            log.warning("llm.price_unknown", model=model, note="cost recorded as 0")
        return 0
    per_input, per_output = price
    return round(input_tokens * per_input + output_tokens * per_output)
