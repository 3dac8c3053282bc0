"""Framework-free core: formats, Norwegian rules and algorithms.

Nothing in this package imports Django, touches a database or the network, or keeps
global state; ``tests/test_architecture.py`` and ``make lint`` (import-linter) enforce it.
"""
