#!/bin/sh
# Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d), as the owner
# (POSTGRES_USER). Creates the application's role: it logs in, owns nothing, is no superuser and
# cannot create roles, databases or tables; `manage.py db_grant_app_role` gives it its rights after
# each migration. For a database created before, run the same statements by hand as the owner.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE investtrack_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'app_password';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
