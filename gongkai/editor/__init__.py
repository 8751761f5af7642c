"""Editor tools beside the pipeline: import, sheet export, scaffolds, quality review, preview server, handbook."""
