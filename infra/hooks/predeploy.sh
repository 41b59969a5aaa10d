#!/bin/sh
# azd predeploy hook: brings the database schema up to date as the SQL server's Entra admin
# (tools/migrate-database.ts), before the new code starts. The app's own identity can read and
# write data but not change the schema (no db_ddladmin); its start-up migration then finds
# nothing to do. Needs the Azure CLI signed in as the admin principal, Node.js and curl; this
# machine's IP is let in for the hook only (sql-access.sh). Any failure stops azd.
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
. "$script_dir/sql-access.sh"

for v in AZURE_RESOURCE_GROUP AZURE_SQL_SERVER_NAME AZURE_SQL_SERVER_FQDN AZURE_SQL_DATABASE_NAME; do
  eval "value=\${$v:-}"
  if [ -z "$value" ]; then
    echo "FRS predeploy: $v is not set (run azd provision first)." >&2
    exit 1
  fi
done

sql_require az node npm curl
cd "$script_dir/../.."
# Remote builds leave this machine without node_modules; the migration needs the project's code.
if [ ! -d node_modules/mssql ]; then
  npm ci --no-audit --no-fund
fi

sql_open_access

echo "FRS predeploy: migrating $AZURE_SQL_DATABASE_NAME on $AZURE_SQL_SERVER_FQDN"
FRS_DATABASE="Server=tcp:$AZURE_SQL_SERVER_FQDN,1433;Database=$AZURE_SQL_DATABASE_NAME;Authentication=Active Directory Default;Encrypt=True" \
  npx tsx tools/migrate-database.ts
