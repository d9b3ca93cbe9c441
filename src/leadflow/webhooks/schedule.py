"""When a failed delivery is tried again, and when an endpoint has failed for too long.

The schedule is the Standard Webhooks reference schedule, ending at about three days (as
Stripe's does): ten attempts in all, the last about 71.6 hours after the first.
"""

from __future__ import annotations

import random
from datetime import timedelta

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Up to this much later than scheduled, so that deliveries that failed together spread out.
JITTER = 0.1
# An endpoint failing this long with no success in between is disabled.
SUSTAINED_FAILURE = timedelta(days=3)
# A pending delivery this far past its time was lost from the queue: it is handed over again.
LOST_AFTER = timedelta(minutes=30)


def retry_delay(attempts: int) -> timedelta | None:
    """The wait before the next try after ``attempts`` tries; None when they are used up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1] * (1 + random.uniform(0, JITTER))
