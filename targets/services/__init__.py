"""Writes to the targets: the pages' saves (``allocations``) and the workbook import (``imports``)."""
