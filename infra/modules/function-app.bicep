// The Function App on a Flex Consumption (FC1) plan, Node.js 22, running as the user-assigned
// managed identity, with its app settings. The FRS settings block (frsSettings) must name
// exactly the settings in src/config/settings.ts: test/config/infra.test.ts checks it.

param planName string
param appName string
param location string
param tags object = {}

@description('azd service name from azure.yaml; azd finds the app by the azd-service-name tag.')
param serviceName string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('The Functions host\'s own storage account (AzureWebJobsStorage and the deployment package).')
param hostStorageBlobEndpoint string
param hostStorageQueueEndpoint string
param hostStorageTableEndpoint string

@description('Blob container (in the host account) that holds the deployment package.')
param deploymentContainerName string

@description('The data account: photos, thumbnails, the blob trigger connection (FRS_STORAGE).')
param dataStorageBlobEndpoint string
param dataStorageQueueEndpoint string

param mediaContainerName string
param thumbnailsContainerName string

param applicationInsightsConnectionString string

param sqlServerFqdn string
param sqlDatabaseName string

@description('Memory per instance; 2048 MB comes with about one vCPU, 4096 MB with about two.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to: the cap on what the CPU-heavy test endpoint and a burst of uploads can cost.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('HTTP requests one instance serves at once before Flex Consumption adds instances (the test function runs the models).')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 4

@description('NCRONTAB schedule of the pipeline timer (FRS_PIPELINE_SCHEDULE).')
param pipelineSchedule string = '0 0 */2 * * *'

@description('Subnet for virtual network integration (vnetEnabled); empty for none.')
param virtualNetworkSubnetId string = ''

@description('FRS_HTTP_AUTH: key (function keys) or platform (App Service authentication in front: modules/app-auth.bicep).')
@allowed([
  'key'
  'platform'
])
param httpAuth string = 'key'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound traffic to Storage and SQL through the virtual network and their private endpoints.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    // No ftpsState: Flex Consumption rejects SiteConfig.FtpsState (ARM error 51021); FTP basic
    // authentication is off below instead.
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// azd and the Azure CLI deploy with Entra tokens; basic (publishing profile) auth stays off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

// Functions host and trigger connections. Flex Consumption takes the worker runtime and
// version from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION
// must not be set here.
var hostSettings = {
  // Host storage, identity-based (no account keys: shared-key access is off on the account).
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: hostStorageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostStorageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: hostStorageTableEndpoint
  // Connection `FRS_STORAGE` of the detectOnUpload blob trigger (source: EventGrid): the data account.
  FRS_STORAGE__credential: 'managedidentity'
  FRS_STORAGE__clientId: identityClientId
  FRS_STORAGE__blobServiceUri: dataStorageBlobEndpoint
  FRS_STORAGE__queueServiceUri: dataStorageQueueEndpoint
  // Telemetry with Entra authentication (local auth is off on Application Insights).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Which identity DefaultAzureCredential / ManagedIdentityCredential use in FRS's own clients.
  AZURE_CLIENT_ID: identityClientId
}

// Every FRS setting, by the names in src/config/settings.ts. All values are strings (app
// settings are strings); the schema validates and coerces them at startup. Values that differ
// from the schema defaults say why.
var frsSettings = {
  // --- data & storage ---
  FRS_DATABASE: 'Server=tcp:${sqlServerFqdn},1433;Database=${sqlDatabaseName};Authentication=Active Directory Managed Identity;User Id=${identityClientId};Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;'
  // Unused while FRS_BLOB_ACCOUNT_URL is set; /tmp is the only writable folder on Flex Consumption.
  FRS_MEDIA_DIR: '/tmp/frs/media'
  FRS_THUMBNAILS_DIR: '/tmp/frs/thumbnails'
  // Empty: FRS reaches Blob Storage with the managed identity (FRS_BLOB_ACCOUNT_URL), not a key.
  FRS_BLOB_CONNECTION_STRING: ''
  FRS_BLOB_ACCOUNT_URL: dataStorageBlobEndpoint
  FRS_MEDIA_CONTAINER: mediaContainerName
  FRS_THUMBNAILS_CONTAINER: thumbnailsContainerName
  // Empty: paths need no mapping. Set it when a database from the replaced system lists
  // Windows paths, e.g. 'C:/Users/ADMIN/Images=>legacy' (blob prefix in the media container).
  FRS_PATH_MAP: ''

  // --- models & vision ---
  FRS_MODEL_MANIFEST: 'models/manifest.json'
  // One thread per ONNX session: a 2048 MB instance has about one vCPU, and the host may run two
  // blob-triggered detections at once (host.json maxDegreeOfParallelism); ONNX Runtime's "0"
  // counts the machine's cores, not the instance's share, and would oversubscribe it.
  FRS_INTRA_OP_THREADS: instanceMemoryMB >= 4096 ? '2' : '1'
  FRS_MAX_PIXELS: '60000000'
  FRS_MAX_UPLOAD_BYTES: '31457280'
  // The test endpoint runs the models on request: 30 a minute per instance, at most
  // maximumInstanceCount instances with httpPerInstanceConcurrency requests each.
  FRS_TEST_RATE_PER_MINUTE: '30'
  FRS_SQLITE_BUSY_TIMEOUT_MS: '15000'
  FRS_MAX_ORIGINAL_BYTES: '209715200'
  FRS_MIN_DETECTION_SCORE: '0.4'
  FRS_MIN_FACE_SIZE: '24'
  FRS_LANDMARK_CHECK_SCORE: '0.6'
  FRS_MIN_FACE_QUALITY: '0.3'
  FRS_LOW_QUALITY_MATCH_THRESHOLD: '0.97'
  FRS_QUALITY_FACE_SIZE: '64'
  FRS_QUALITY_SHARPNESS: '20'
  FRS_THUMBNAIL_SIZE: '160'
  FRS_THUMBNAIL_MARGIN: '0.2'

  // --- recognition & clustering ---
  FRS_MATCH_THRESHOLD: '0.95'
  FRS_MATCH_MODE: 'centroid'
  FRS_DBSCAN_EPS: '0.035'
  FRS_DBSCAN_MIN_POINTS: '2'
  FRS_DBSCAN_NOISE_EPS: '0.0425'
  FRS_CLUSTER_MERGE_THRESHOLD: '0.97'
  FRS_UMAP_ENABLED: 'false'
  FRS_UMAP_DIMENSIONS: '16'
  FRS_GROUPING_BATCH_FACES: '5000'

  // --- pipeline ---
  FRS_PIPELINE_SCHEDULE: pipelineSchedule
  FRS_BATCH_SIZE: '50'
  FRS_LEASE_SECONDS: '600'
  FRS_RECONCILE_LIMIT: '200'
  FRS_MAX_ATTEMPTS: '3'
  FRS_DRY_RUN: 'false'

  // --- HTTP ---
  FRS_HTTP_AUTH: httpAuth
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(hostSettings, frsSettings)
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
