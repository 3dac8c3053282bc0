"""Speed and accuracy benchmarks. ``make bench`` runs them all and prints figures (never asserts on time)."""
