#!/bin/sh
# azd postprovision hook: creates the Azure SQL database user for the Function App's managed
# identity (infra/sql/create-identity-user.sql). It needs go-sqlcmd, a sign-in that
# DefaultAzureCredential finds (e.g. `az login` as the principal that ran azd), and this
# machine's IP let through the SQL firewall (`azd env set AZURE_CLIENT_IP <your public IP>`
# before `azd provision`). When any of that is missing it prints the manual steps and exits 0:
# provisioning itself has succeeded, and the app only needs the user before its first run.
set -u

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
sql_file="$script_dir/../sql/create-identity-user.sql"

server=${AZURE_SQL_SERVER_FQDN:-}
database=${AZURE_SQL_DATABASE_NAME:-}
identity=${AZURE_IDENTITY_NAME:-}

manual_steps() {
  cat <<STEPS

FRS: create the database user for the managed identity '${identity:-<AZURE_IDENTITY_NAME>}' yourself:
  1. Let your IP through the SQL firewall:
       az sql server firewall-rule create -g "${AZURE_RESOURCE_GROUP:-<resource group>}" -s "${AZURE_SQL_SERVER_NAME:-<server>}" \\
         -n deploying-client --start-ip-address <your IP> --end-ip-address <your IP>
  2. Run infra/sql/create-identity-user.sql in database '${database:-frs}' on ${server:-<server>}:
       sqlcmd -S "tcp:${server:-<server>},1433" -d "${database:-frs}" --authentication-method ActiveDirectoryDefault -b \\
         -v IDENTITY_NAME="${identity:-<identity>}" -i infra/sql/create-identity-user.sql
     or paste it into the portal's Query editor with \$(IDENTITY_NAME) replaced by ${identity:-<identity>}.
STEPS
}

if [ -z "$server" ] || [ -z "$database" ] || [ -z "$identity" ]; then
  echo "FRS postprovision: AZURE_SQL_SERVER_FQDN, AZURE_SQL_DATABASE_NAME or AZURE_IDENTITY_NAME is not set (did provisioning finish?)." >&2
  manual_steps
  exit 0
fi

if ! command -v sqlcmd >/dev/null 2>&1; then
  echo "FRS postprovision: sqlcmd (go-sqlcmd) is not installed." >&2
  manual_steps
  exit 0
fi

# The ODBC-based sqlcmd has no --authentication-method; go-sqlcmd has.
if ! sqlcmd --help 2>&1 | grep -q -- '--authentication-method'; then
  echo "FRS postprovision: the sqlcmd on PATH is not go-sqlcmd (no --authentication-method)." >&2
  manual_steps
  exit 0
fi

echo "FRS postprovision: creating database user [$identity] in $database on $server"
if sqlcmd -S "tcp:$server,1433" -d "$database" --authentication-method ActiveDirectoryDefault -b \
  -v IDENTITY_NAME="$identity" -i "$sql_file"; then
  echo "FRS postprovision: database user [$identity] is ready (db_datareader, db_datawriter, db_ddladmin)."
else
  echo "FRS postprovision: sqlcmd failed (firewall, sign-in, or not the Entra admin?)." >&2
  manual_steps
fi
exit 0
