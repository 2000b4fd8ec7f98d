from collections.abc import Iterator, Sequence

# Below SQLite's smallest limit on the parameters of one query (999 before SQLite 3.32), as
# Django's own bulk operations keep to.
CHUNK = 900


def chunks(values: Sequence, size: int = CHUNK) -> Iterator[list]:
    """``values`` in slices small enough for one ``__in`` lookup on any database."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
