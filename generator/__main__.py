"""`python -m generator` runs the vbgen command line."""

from generator.cli import main

main()
