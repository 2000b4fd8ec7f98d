"""The monthly 通报: what it says (``content``), its workbook and Word document, and the service that
builds a draft on demand and stores the published one. It reads the period's rankings; nothing in
ranking depends on it."""
