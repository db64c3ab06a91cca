//! Benchmarks of fdsl.
