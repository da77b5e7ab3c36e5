"""Benchmarks of the application at scale (see bench/README.md). Not part of the application:
nothing in the project imports this package; the scripts in it put the repository root on the
path and import it as ``bench``."""
