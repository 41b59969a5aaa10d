#!/bin/sh
# azd postprovision hook: creates the Azure SQL database user of the Function App's managed
# identity (infra/sql/create-identity-user.sql) as the server's Entra admin (the principal that
# ran azd: a user, or a service principal in CI). The user is created from the identity's client
# id (CREATE USER ... WITH SID = ..., TYPE = E), so no Microsoft Graph lookup is needed and a
# service principal can run it. It needs the Azure CLI (signed in as that principal), go-sqlcmd
# and curl; this machine's IP is let in for the hook only (sql-access.sh).
# Any failure fails the hook, and azd stops: a deployment is never green with a database the app
# cannot use.
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
sql_file="$script_dir/../sql/create-identity-user.sql"
. "$script_dir/sql-access.sh"

for v in AZURE_RESOURCE_GROUP AZURE_SQL_SERVER_NAME AZURE_SQL_SERVER_FQDN AZURE_SQL_DATABASE_NAME AZURE_IDENTITY_NAME AZURE_IDENTITY_CLIENT_ID; do
  eval "value=\${$v:-}"
  if [ -z "$value" ]; then
    echo "FRS postprovision: $v is not set (did provisioning finish?)." >&2
    exit 1
  fi
done

sql_require az sqlcmd curl
# The ODBC-based sqlcmd has no --authentication-method; go-sqlcmd has.
if ! sqlcmd --help 2>&1 | grep -q -- '--authentication-method'; then
  echo "FRS postprovision: the sqlcmd on PATH is not go-sqlcmd (no --authentication-method)." >&2
  exit 1
fi

sql_open_access

echo "FRS postprovision: creating database user [$AZURE_IDENTITY_NAME] in $AZURE_SQL_DATABASE_NAME on $AZURE_SQL_SERVER_FQDN"
sqlcmd -S "tcp:$AZURE_SQL_SERVER_FQDN,1433" -d "$AZURE_SQL_DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b \
  -v IDENTITY_NAME="$AZURE_IDENTITY_NAME" -v IDENTITY_CLIENT_ID="$AZURE_IDENTITY_CLIENT_ID" -i "$sql_file"
echo "FRS postprovision: database user [$AZURE_IDENTITY_NAME] is ready (db_datareader, db_datawriter)."
