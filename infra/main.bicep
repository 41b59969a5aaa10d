// FRS on Azure: `azd up` provisions this, deploys the Function App code, then runs the hooks
// in azure.yaml (database user for the managed identity, Event Grid subscription).
//
//   resource group rg-<env>
//   ├─ user-assigned managed identity (the app runs as it)
//   ├─ Log Analytics + Application Insights (Entra auth only)
//   ├─ host Storage account (shared keys off): the Functions host's storage, deployment package
//   ├─ data Storage account (shared keys off): media, thumbnails, deadletter, the blob trigger's
//   │  poison queue, Event Grid system topic (subscription added by infra/hooks/postdeploy.sh)
//   ├─ Azure SQL server (Entra-only auth) + serverless database (auto-pause)
//   ├─ Flex Consumption plan (FC1) + Function App (Node.js 22)
//   └─ with vnetEnabled: virtual network, private endpoints for both storage accounts and SQL,
//      private DNS zones; public network access off (see README, "Deploy to Azure")

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string

@description('Object id of the deploying principal (azd sets AZURE_PRINCIPAL_ID): the SQL Entra admin, and allowed to upload photos.')
param principalId string

@description('Application (client) id of the deploying service principal (AZURE_CLIENT_ID in CI): a service principal is the SQL Entra admin by its application id. Unused for a user.')
param principalClientId string = ''

@description('Kind of the deploying principal (azd sets AZURE_PRINCIPAL_TYPE when it knows).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Display name recorded for the SQL Entra admin (free text).')
param sqlAdminLogin string = 'frs-deployer'

@description('Private option: VNet integration for the app, private endpoints for Storage and SQL, public network access off.')
param vnetEnabled bool = false

@description('Sign-in with Microsoft Entra ID in front of the people app and API instead of function keys (README, "People app").')
param enableAuth bool = false

@description('Application (client) id of the Entra app registration used for sign-in; required when enableAuth.')
param authClientId string = ''

@description('With vnetEnabled: public IP ranges (CIDR) still let into the data storage account, e.g. to upload photos from an office; empty for none.')
param storageAllowedIpRanges array = []

@description('Memory per Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most Function App instances (also caps what the CPU-heavy test endpoint can cost).')
param maximumInstanceCount int = 10

@description('Most vCores of the serverless database.')
param sqlMaxVCores int = 2

@description('Minutes without connections before the database pauses.')
param sqlAutoPauseDelayMinutes int = 60

@description('NCRONTAB schedule of the pipeline timer (FRS_PIPELINE_SCHEDULE). Every run opens the database: runs closer together than the auto-pause delay keep a serverless database from ever pausing. Uploads are detected at once (Event Grid) whatever the schedule.')
param pipelineSchedule string = '0 0 */2 * * *'

var serviceName = 'frs'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  app: 'frs'
}
var mediaContainerName = 'media'
var thumbnailsContainerName = 'thumbnails'
var deadLetterContainerName = 'deadletter'
// Where the blob trigger puts deliveries it gave up on (fixed name in the Functions blob extension).
var poisonQueueName = 'webjobs-blobtrigger-poison'
var deploymentContainerName = 'app-package-${take(resourceToken, 8)}'
var functionAppName = 'func-frs-${resourceToken}'
var isServicePrincipal = principalType == 'ServicePrincipal'
// A service principal is the SQL admin by its application (client) id, not its object id.
var sqlAdminSid = isServicePrincipal
  ? (empty(principalClientId)
      ? fail('principalType is ServicePrincipal: set principalClientId (azd env set AZURE_CLIENT_ID <application id>).')
      : principalClientId)
  : principalId

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-frs-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-frs-${resourceToken}'
    applicationInsightsName: 'appi-frs-${resourceToken}'
    location: location
    tags: tags
  }
}

module hostStorage 'modules/storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'stfrsh${take(resourceToken, 18)}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
    publicAccess: vnetEnabled ? 'Disabled' : 'Enabled'
  }
}

module dataStorage 'modules/storage.bicep' = {
  name: 'data-storage'
  scope: rg
  params: {
    name: 'stfrs${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      mediaContainerName
      thumbnailsContainerName
      deadLetterContainerName
    ]
    queueNames: [
      poisonQueueName
    ]
    systemTopicName: 'evgt-frs-${resourceToken}'
    deadLetterContainerName: deadLetterContainerName
    // Restricted, not Disabled: Event Grid writes dead-lettered events as a trusted service, which
    // needs the public endpoint with a deny-all rule; no network gets through but the listed ranges.
    publicAccess: vnetEnabled ? 'Restricted' : 'Enabled'
    allowedIpRanges: storageAllowedIpRanges
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-frs-${resourceToken}'
    location: location
    tags: tags
  }
}

// Private endpoints: host storage (blob, queue, table), data storage (blob, queue), SQL.
var privateEndpoints = [
  {
    name: 'pe-host-blob'
    target: 'host'
    groupId: 'blob'
  }
  {
    name: 'pe-host-queue'
    target: 'host'
    groupId: 'queue'
  }
  {
    name: 'pe-host-table'
    target: 'host'
    groupId: 'table'
  }
  {
    name: 'pe-data-blob'
    target: 'data'
    groupId: 'blob'
  }
  {
    name: 'pe-data-queue'
    target: 'data'
    groupId: 'queue'
  }
  {
    name: 'pe-sql'
    target: 'sql'
    groupId: 'sqlServer'
  }
]

module endpoints 'modules/private-endpoint.bicep' = [
  for pe in privateEndpoints: if (vnetEnabled) {
    name: pe.name
    scope: rg
    params: {
      name: '${pe.name}-${resourceToken}'
      location: location
      tags: tags
      targetId: pe.target == 'host' ? hostStorage.outputs.id : pe.target == 'data' ? dataStorage.outputs.id : sql.outputs.id
      groupId: pe.groupId
      subnetId: network.outputs.privateEndpointSubnetId
      privateDnsZoneId: pe.groupId == 'blob'
        ? network.outputs.blobZoneId
        : pe.groupId == 'queue'
            ? network.outputs.queueZoneId
            : pe.groupId == 'table' ? network.outputs.tableZoneId : network.outputs.sqlZoneId
    }
  }
]

module sql 'modules/sql.bicep' = {
  name: 'sql'
  scope: rg
  params: {
    serverName: 'sql-frs-${resourceToken}'
    databaseName: 'frs'
    location: location
    tags: tags
    adminSid: sqlAdminSid
    adminLogin: sqlAdminLogin
    adminPrincipalType: isServicePrincipal ? 'Application' : 'User'
    maxVCores: sqlMaxVCores
    autoPauseDelayMinutes: sqlAutoPauseDelayMinutes
    privateOnly: vnetEnabled
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    hostStorageName: hostStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    mediaContainerName: mediaContainerName
    thumbnailsContainerName: thumbnailsContainerName
    poisonQueueName: poisonQueueName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  // The host reads its storage with the identity on first start: grant the roles first.
  dependsOn: [
    roles
    endpoints
  ]
  params: {
    planName: 'plan-frs-${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostStorageQueueEndpoint: hostStorage.outputs.queueEndpoint
    hostStorageTableEndpoint: hostStorage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    dataStorageBlobEndpoint: dataStorage.outputs.blobEndpoint
    dataStorageQueueEndpoint: dataStorage.outputs.queueEndpoint
    mediaContainerName: mediaContainerName
    thumbnailsContainerName: thumbnailsContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    sqlServerFqdn: sql.outputs.serverFqdn
    sqlDatabaseName: sql.outputs.databaseName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    pipelineSchedule: pipelineSchedule
    virtualNetworkSubnetId: vnetEnabled ? network.outputs.appSubnetId : ''
    httpAuth: enableAuth ? 'platform' : 'key'
  }
}

// App Service authentication (Entra ID) for browsers; deploys nothing unless enableAuth.
module appAuth 'modules/app-auth.bicep' = {
  name: 'app-auth'
  scope: rg
  params: {
    enableAuth: enableAuth
    appName: functionApp.outputs.name
    clientId: authClientId
  }
}

// azd stores these in .azure/<env>/.env; the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = dataStorage.outputs.name
output AZURE_STORAGE_ACCOUNT_ID string = dataStorage.outputs.id
output AZURE_STORAGE_BLOB_ENDPOINT string = dataStorage.outputs.blobEndpoint
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = dataStorage.outputs.systemTopicName
output FRS_MEDIA_CONTAINER string = mediaContainerName
output FRS_THUMBNAILS_CONTAINER string = thumbnailsContainerName
output FRS_DEADLETTER_CONTAINER string = deadLetterContainerName
output AZURE_VNET_ENABLED bool = vnetEnabled
output AZURE_SQL_SERVER_NAME string = sql.outputs.serverName
output AZURE_SQL_SERVER_FQDN string = sql.outputs.serverFqdn
output AZURE_SQL_DATABASE_NAME string = sql.outputs.databaseName
output AZURE_IDENTITY_NAME string = identity.outputs.name
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_PRINCIPAL_TYPE string = principalType
