"""``python -m fakturaflyt`` is the same as the ``fakturaflyt`` command."""

from fakturaflyt.cli import main

main()
