"""One module per benchmark section; each has ``measure(profile) -> list[Line]``."""
