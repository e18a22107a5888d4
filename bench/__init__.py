"""Benchmarks at national scale (issue 7): `orggraph bench`."""
