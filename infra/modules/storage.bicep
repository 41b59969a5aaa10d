// A Storage account with shared-key access off: every client (host, blob trigger, FRS, azd, you)
// authenticates with Microsoft Entra ID. main.bicep creates two of them, so that roles can be
// scoped to what each needs:
//   - host: the Functions host's own storage (AzureWebJobsStorage: keys, locks, timer schedule)
//     and the Flex Consumption deployment package container;
//   - data: FRS's photos (`media`), face crops (`thumbnails`), events Event Grid could not
//     deliver (`deadletter`), the blob trigger's poison queue, and the Event Grid system topic.
//
// The topic's subscription (BlobCreated in `media` -> the blob extension webhook of
// detectOnUpload) needs the app's blobs_extension system key, which only exists once the code
// runs, so infra/hooks/postdeploy.sh creates it. The topic has a system-assigned identity that
// may write to the dead-letter container (shared keys being off, Event Grid needs one).

param name string
param location string
param tags object = {}

@description('Blob containers to create.')
param containerNames array

@description('Queues to create (so that roles can be scoped to them).')
param queueNames array = []

@description('Name of the Event Grid system topic on this account; empty for none.')
param systemTopicName string = ''

@description('Container the topic dead-letters undeliverable events to (one of containerNames); empty for none.')
param deadLetterContainerName string = ''

@description('''Public network access: Enabled (any network; Entra ID still required), Restricted (public
endpoint on, but only the listed IP ranges and trusted Azure services such as Event Grid's dead-letter
writes get through) or Disabled (private endpoints only).''')
@allowed([
  'Enabled'
  'Restricted'
  'Disabled'
])
param publicAccess string = 'Enabled'

@description('Public IP ranges (CIDR) let through when publicAccess is Restricted, e.g. the machine that uploads photos.')
param allowedIpRanges array = []

@description('Days deleted blobs (photos included) stay recoverable.')
param deleteRetentionDays int = 7

var roleStorageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicAccess == 'Disabled' ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: publicAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
      ipRules: [
        for range in (publicAccess == 'Restricted' ? allowedIpRanges : []): {
          value: range
          action: 'Allow'
        }
      ]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = if (!empty(queueNames)) {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = if (!empty(systemTopicName)) {
  name: empty(systemTopicName) ? 'none' : systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = if (!empty(deadLetterContainerName)) {
  parent: blobService
  name: empty(deadLetterContainerName) ? 'none' : deadLetterContainerName
}

// The topic writes undeliverable events into the dead-letter container, and nowhere else.
resource topicOnDeadLetter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(systemTopicName) && !empty(deadLetterContainerName)) {
  name: guid(storage.id, systemTopicName, deadLetterContainerName, roleStorageBlobDataContributor)
  scope: deadLetterContainer
  dependsOn: [
    containers
  ]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleStorageBlobDataContributor)
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output systemTopicName string = systemTopicName
