// The one Storage account FRS uses: the Functions host's own storage (AzureWebJobsStorage),
// the Flex Consumption deployment package container, and FRS's data containers (`media` for
// originals, `thumbnails` for face crops). Shared-key access is off: every client (host, blob
// trigger, FRS, azd, you) authenticates with Microsoft Entra ID.
//
// The Event Grid system topic on the account is created here; its subscription (BlobCreated in
// `media` -> the blob extension webhook of detectOnUpload) needs the app's blobs_extension
// system key, which only exists once the code runs, so infra/hooks/postdeploy.sh creates it.

param name string
param location string
param tags object = {}

@description('Blob containers to create (data containers and the deployment package container).')
param containerNames array

@description('Name of the Event Grid system topic on this account.')
param systemTopicName string

@description('Days deleted blobs (photos included) stay recoverable.')
param deleteRetentionDays int = 7

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
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Flex Consumption without a virtual network reaches storage over public endpoints.
      defaultAction: 'Allow'
      bypass: 'AzureServices'
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

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output systemTopicName string = systemTopic.name
