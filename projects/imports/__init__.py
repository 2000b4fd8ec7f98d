"""Projects written in bulk from spreadsheets: the project import (``spreadsheet``), the 在线平台 export
(``platform``) and the upsert both the import and the API use (``upsert``)."""
