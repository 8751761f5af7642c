#!/usr/bin/env python3
"""gongkai command line. `python build.py --help` lists the commands."""

from gongkai.cli import main

if __name__ == "__main__":
    main()
