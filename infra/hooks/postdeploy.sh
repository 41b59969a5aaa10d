#!/bin/sh
# azd postdeploy hook: subscribes the detectOnUpload blob trigger to BlobCreated events of the
# media container. Event Grid delivers them to the blob extension's webhook:
#   https://<app>/runtime/webhooks/blobs?functionName=Host.Functions.detectOnUpload&code=<blobs_extension key>
# The blobs_extension system key exists only once the host has started with that function, so
# this runs after `azd deploy`, not in Bicep. It needs the Azure CLI signed in (`az login`).
# Running it again updates the subscription in place. Any failure fails the hook, and azd with
# it: a green deployment always has its subscription.
#
# Only what detectOnUpload can process is delivered: image file names (the extensions FRS
# reads, src/storage/walk-images.ts) up to FRS_MAX_UPLOAD_BYTES (the blob binding loads the whole
# blob into memory). Events Event Grid cannot deliver within its retries go to the `deadletter`
# container (written by the topic's own identity); the timer's reconciliation pass registers any
# photo in `media` that no item knows, so a dead-lettered upload is still processed.
set -eu

rg=${AZURE_RESOURCE_GROUP:-}
app=${AZURE_FUNCTION_APP_NAME:-}
host=${AZURE_FUNCTION_APP_HOSTNAME:-}
topic=${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:-}
container=${FRS_MEDIA_CONTAINER:-media}
deadletter=${FRS_DEADLETTER_CONTAINER:-deadletter}
storage_id=${AZURE_STORAGE_ACCOUNT_ID:-}
# The app's FRS_MAX_UPLOAD_BYTES (infra/modules/function-app.bicep).
max_bytes=${FRS_HOOK_MAX_UPLOAD_BYTES:-31457280}
image_suffixes=".jpg .jpeg .png .webp .gif .tif .tiff .avif .heic .heif .bmp"
function_name=detectOnUpload
subscription_name=detect-on-upload
attempts=${FRS_HOOK_KEY_ATTEMPTS:-20}
wait_seconds=${FRS_HOOK_KEY_WAIT_SECONDS:-15}

manual_steps() {
  cat <<STEPS

FRS: create the Event Grid subscription yourself once the app runs:
  key=\$(az functionapp keys list -g "${rg:-<resource group>}" -n "${app:-<app>}" --query systemKeys.blobs_extension -o tsv)
  az eventgrid system-topic event-subscription create -g "${rg:-<resource group>}" \\
    --system-topic-name "${topic:-<system topic>}" -n $subscription_name --endpoint-type webhook \\
    --endpoint "https://${host:-<app host>}/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=\$key" \\
    --included-event-types Microsoft.Storage.BlobCreated \\
    --subject-begins-with /blobServices/default/containers/$container/ \\
    --advanced-filter data.contentLength NumberLessThanOrEquals $max_bytes \\
    --advanced-filter subject StringEndsWith $image_suffixes \\
    --deadletter-identity systemassigned \\
    --deadletter-identity-endpoint "${storage_id:-<data storage account id>}/blobServices/default/containers/$deadletter"
STEPS
}

if [ -z "$rg" ] || [ -z "$app" ] || [ -z "$host" ] || [ -z "$topic" ] || [ -z "$storage_id" ]; then
  echo "FRS postdeploy: AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_FUNCTION_APP_HOSTNAME, AZURE_EVENTGRID_SYSTEM_TOPIC_NAME or AZURE_STORAGE_ACCOUNT_ID is not set." >&2
  manual_steps
  exit 1
fi

if ! command -v az >/dev/null 2>&1; then
  echo "FRS postdeploy: the Azure CLI (az) is not installed." >&2
  manual_steps
  exit 1
fi

key=""
i=1
while [ "$i" -le "$attempts" ]; do
  # Any request starts an instance on Flex Consumption; the host then creates the key.
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 30 "https://$host/" || true
  fi
  key=$(az functionapp keys list -g "$rg" -n "$app" --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
  if [ -n "$key" ] && [ "$key" != "None" ]; then
    break
  fi
  key=""
  echo "FRS postdeploy: waiting for the blobs_extension key of $app ($i/$attempts)"
  sleep "$wait_seconds"
  i=$((i + 1))
done

if [ -z "$key" ]; then
  echo "FRS postdeploy: $app has no blobs_extension system key yet (is detectOnUpload deployed with source EventGrid?)." >&2
  manual_steps
  exit 1
fi

# Keys may hold characters that are not URL-safe; node is there (it built the app).
encoded_key=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$key")
endpoint="https://$host/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$encoded_key"

echo "FRS postdeploy: subscribing $function_name to BlobCreated in container '$container'"
if az eventgrid system-topic event-subscription create \
  --resource-group "$rg" \
  --system-topic-name "$topic" \
  --name "$subscription_name" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$container/" \
  --advanced-filter data.contentLength NumberLessThanOrEquals "$max_bytes" \
  --advanced-filter subject StringEndsWith $image_suffixes \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --deadletter-identity systemassigned \
  --deadletter-identity-endpoint "$storage_id/blobServices/default/containers/$deadletter" \
  --output none; then
  echo "FRS postdeploy: Event Grid subscription $subscription_name is ready."
else
  echo "FRS postdeploy: creating the subscription failed (Event Grid validates the webhook; is the app up?)." >&2
  manual_steps
  exit 1
fi
