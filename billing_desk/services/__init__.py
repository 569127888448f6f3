"""The work itself, in plain Python: every rule of the books, testable without a window.

Each write is a function that takes the acting user (``by``), runs in one transaction and
leaves an audit entry.
"""
