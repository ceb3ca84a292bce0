"""Reads of the linkage app: the only doors views use to fetch runs, pairs and estimates."""
