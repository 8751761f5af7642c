#!/usr/bin/env python3
"""gongkai command line (the same as the installed `gongkai` command). `python3 build.py --help` lists the commands."""

from gongkai.launch import main

if __name__ == "__main__":
    main()
