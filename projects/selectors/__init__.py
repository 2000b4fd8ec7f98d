"""Reads of the project lifecycle, one module per concern: ``boards`` (the libraries and their open
year), ``warnings`` (what a project warns about and the lists built on it), ``intake`` (入库纳统),
``reserve`` (储备比例), ``rollover`` (年度结转) and ``photos`` (现场照片).

Every figure is an ``annotate`` or ``aggregate``: a page asks the same number of queries whatever the
number of projects. Callers pass the projects the user may read (``projects.access``).
"""
