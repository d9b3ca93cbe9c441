"""People who sign in: their passwords, their dashboard sessions, and the limits on guessing."""
