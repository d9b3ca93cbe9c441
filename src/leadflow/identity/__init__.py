"""Identity resolution: one person is one lead, whatever path they arrive by."""
