// Role assignments, each scoped to the single resource its holder needs (never the resource
// group or subscription).
//
// The app's managed identity gets:
//   - on the HOST storage account (nothing else lives there): Storage Blob Data Owner (the
//     Functions host's AzureWebJobsStorage: host keys, locks, the timer's schedule monitor; and
//     Flex Consumption reading the deployment package), Storage Queue Data Contributor and
//     Storage Table Data Contributor (the host's queues and diagnostic events);
//   - on the DATA account, per container: Storage Blob Data Owner on `media` (the role Functions
//     documents for an identity-based blob trigger connection, FRS_STORAGE), Storage Blob Data
//     Contributor on `thumbnails` (FRS writes face crops), and Storage Queue Data Contributor on
//     the one queue the blob trigger writes deliveries it gave up on to (webjobs-blobtrigger-poison);
//     nothing on `deadletter` (only the Event Grid topic writes there, storage.bicep);
//   - on Application Insights (local auth disabled): Monitoring Metrics Publisher.
// The deploying principal (optional) gets Storage Blob Data Contributor on `media` only, to upload
// photos with `az storage blob upload --auth-mode login` while shared keys are off.

param hostStorageName string
param dataStorageName string
param mediaContainerName string
param thumbnailsContainerName string

@description('The blob trigger\'s poison queue on the data account (created by storage.bicep).')
param poisonQueueName string

param applicationInsightsName string

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param identityPrincipalId string

@description('Object id of the deploying principal; empty to skip its role assignment.')
param userPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var identityHostRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource dataBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: dataStorage
  name: 'default'
}

resource mediaContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: dataBlobs
  name: mediaContainerName
}

resource thumbnailsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: dataBlobs
  name: thumbnailsContainerName
}

resource dataQueues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: dataStorage
  name: 'default'
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: dataQueues
  name: poisonQueueName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource identityOnHostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in identityHostRoles: {
    name: guid(hostStorage.id, identityPrincipalId, roleId)
    scope: hostStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource identityOnMedia 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaContainer.id, identityPrincipalId, roleIds.storageBlobDataOwner)
  scope: mediaContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource identityOnThumbnails 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(thumbnailsContainer.id, identityPrincipalId, roleIds.storageBlobDataContributor)
  scope: thumbnailsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource identityOnPoisonQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(poisonQueue.id, identityPrincipalId, roleIds.storageQueueDataContributor)
  scope: poisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource identityOnAppInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityPrincipalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userOnMedia 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(mediaContainer.id, userPrincipalId, roleIds.storageBlobDataContributor)
  scope: mediaContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}
