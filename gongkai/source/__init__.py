"""Source: configuration, loading and validation of content (the raw model, secrets included)."""
