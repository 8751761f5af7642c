"""gongkai (公开): a static site generator for budget performance-target disclosures.

The package is a pipeline of small stages, each a module with plain data in and out:
config → load → validate → redact → pages → render → search / exports → audit → write.
"""

__version__ = "0.1.0"
