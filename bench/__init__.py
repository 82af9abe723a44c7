"""``make bench``: seeds a benchmark-sized network and writes docs/benchmarks.md."""
