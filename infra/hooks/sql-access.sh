# Sourced by the hooks that talk to Azure SQL from this machine (postprovision, predeploy).
# Lets this machine's public IP through the SQL firewall for the duration of the hook only, and
# with the private option (vnetEnabled: no public endpoint) turns the public endpoint on for
# that time too; both are undone when the hook exits, whatever happened. Nothing is left behind.

sql_rule_name="frs-hook-$(date +%s)"
sql_opened_public=""

sql_close_access() {
  if [ -n "${sql_rule_created:-}" ]; then
    az sql server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -s "$AZURE_SQL_SERVER_NAME" -n "$sql_rule_name" --output none ||
      echo "FRS: could not delete the temporary firewall rule $sql_rule_name; delete it by hand." >&2
  fi
  if [ -n "$sql_opened_public" ]; then
    az sql server update -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_SQL_SERVER_NAME" --enable-public-network false --output none ||
      echo "FRS: could not turn the SQL server's public endpoint off again; run: az sql server update -g $AZURE_RESOURCE_GROUP -n $AZURE_SQL_SERVER_NAME --enable-public-network false" >&2
  fi
}

sql_open_access() {
  ip=${FRS_HOOK_CLIENT_IP:-}
  if [ -z "$ip" ]; then
    ip=$(curl -fsS --max-time 15 https://api.ipify.org) || {
      echo "FRS: cannot tell this machine's public IP; set FRS_HOOK_CLIENT_IP." >&2
      return 1
    }
  fi
  trap sql_close_access EXIT
  if [ "${AZURE_VNET_ENABLED:-false}" = "true" ]; then
    echo "FRS: turning the SQL server's public endpoint on for this hook only"
    az sql server update -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_SQL_SERVER_NAME" --enable-public-network true --output none || return 1
    sql_opened_public=1
  fi
  echo "FRS: letting $ip through the SQL firewall for this hook only ($sql_rule_name)"
  az sql server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -s "$AZURE_SQL_SERVER_NAME" -n "$sql_rule_name" \
    --start-ip-address "$ip" --end-ip-address "$ip" --output none || return 1
  sql_rule_created=1
}

# Fails the hook (and with it `azd up`) with a message: never a green run with a broken database.
sql_require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "FRS: $tool is required by this hook and is not installed." >&2
      exit 1
    }
  done
}
