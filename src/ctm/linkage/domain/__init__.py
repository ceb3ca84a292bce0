"""Writes of the linkage app: one function per state change, each logged."""
