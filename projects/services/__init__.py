"""Writes to projects: the lifecycle (``lifecycle``), the problem ledger (``problems``), the year's plans
and roll-over (``rollover``) and site photos (``photos``)."""
