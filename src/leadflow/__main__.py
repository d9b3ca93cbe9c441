"""`python -m leadflow` is the `leadflow` command."""

from leadflow.cli.app import main

main()
