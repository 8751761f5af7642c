"""Publish: page contexts, rendering, charts, exports, search, links, feeds and the leak audit.
Everything here receives the public model (gongkai.public) only — never gongkai.source.model."""
