"""Benchmarks for the Yishitang bot: ``python -m bench`` (see bench/README.md)."""
