"""Disclosure: the one classifier of what is withheld, redaction into the public model, amount protection,
the secret register and the internal reports. The raw model ends here; only gongkai.public types leave."""
