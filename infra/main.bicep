// FRS on Azure: `azd up` provisions this, deploys the Function App code, then runs the hooks
// in azure.yaml (database user for the managed identity, Event Grid subscription).
//
//   resource group rg-<env>
//   ├─ user-assigned managed identity (the app runs as it)
//   ├─ Log Analytics + Application Insights (Entra auth only)
//   ├─ Storage account (shared keys off): media, thumbnails, deployment package container,
//   │  Event Grid system topic (subscription added by infra/hooks/postdeploy.sh)
//   ├─ Azure SQL server (Entra-only auth) + serverless database (auto-pause)
//   └─ Flex Consumption plan (FC1) + Function App (Node.js 22)

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

@description('Kind of the deploying principal (azd sets AZURE_PRINCIPAL_TYPE when it knows).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Display name recorded for the SQL Entra admin (free text).')
param sqlAdminLogin string = 'frs-deployer'

@description('Public IP of the machine that runs the postprovision hook, let through the SQL firewall; empty for none.')
param clientIpAddress string = ''

@description('Memory per Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most Function App instances.')
param maximumInstanceCount int = 40

@description('Most vCores of the serverless database.')
param sqlMaxVCores int = 2

@description('Minutes without connections before the database pauses.')
param sqlAutoPauseDelayMinutes int = 60

@description('NCRONTAB schedule of the pipeline timer (FRS_PIPELINE_SCHEDULE). Every run opens the database, so it keeps a serverless database from pausing while runs are closer together than the auto-pause delay.')
param pipelineSchedule string = '0 */3 * * * *'

var serviceName = 'frs'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  app: 'frs'
}
var mediaContainerName = 'media'
var thumbnailsContainerName = 'thumbnails'
var deploymentContainerName = 'app-package-${take(resourceToken, 8)}'
var functionAppName = 'func-frs-${resourceToken}'

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

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stfrs${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      mediaContainerName
      thumbnailsContainerName
      deploymentContainerName
    ]
    systemTopicName: 'evgt-frs-${resourceToken}'
  }
}

module sql 'modules/sql.bicep' = {
  name: 'sql'
  scope: rg
  params: {
    serverName: 'sql-frs-${resourceToken}'
    databaseName: 'frs'
    location: location
    tags: tags
    adminObjectId: principalId
    adminLogin: sqlAdminLogin
    adminPrincipalType: principalType == 'ServicePrincipal' ? 'Application' : 'User'
    maxVCores: sqlMaxVCores
    autoPauseDelayMinutes: sqlAutoPauseDelayMinutes
    clientIpAddress: clientIpAddress
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
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
  ]
  params: {
    planName: 'plan-frs-${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    mediaContainerName: mediaContainerName
    thumbnailsContainerName: thumbnailsContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    sqlServerFqdn: sql.outputs.serverFqdn
    sqlDatabaseName: sql.outputs.databaseName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    pipelineSchedule: pipelineSchedule
  }
}

// azd stores these in .azure/<env>/.env; the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = storage.outputs.systemTopicName
output FRS_MEDIA_CONTAINER string = mediaContainerName
output FRS_THUMBNAILS_CONTAINER string = thumbnailsContainerName
output AZURE_SQL_SERVER_NAME string = sql.outputs.serverName
output AZURE_SQL_SERVER_FQDN string = sql.outputs.serverFqdn
output AZURE_SQL_DATABASE_NAME string = sql.outputs.databaseName
output AZURE_IDENTITY_NAME string = identity.outputs.name
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
