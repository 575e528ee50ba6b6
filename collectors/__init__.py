"""Collectors: one module per kind of source, each yielding RawItems; network only via http.py."""
