"""Fakturaflyt: the whole invoice flow of a Norwegian business, open source.

``fakturaflyt.core`` is the framework-free library (formats, Norwegian rules, algorithms);
the other packages are Django apps that persist, schedule and present it.
"""

__version__ = "0.1.0"
