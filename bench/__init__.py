"""Benchmarks at district, city and province scale, on PostgreSQL: ``make bench``."""
