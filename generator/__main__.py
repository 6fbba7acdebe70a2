"""`python -m generator` runs the vbgen command line."""

from .cli import main

main()
