"""`python3 -m gongkai …`: the same command line as `gongkai` and `python3 build.py`."""

from gongkai.launch import main

main()
