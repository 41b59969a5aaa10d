// The user-assigned managed identity the Function App runs as. One identity serves the
// Functions host (AzureWebJobsStorage), the blob trigger (FRS_STORAGE), FRS's own Blob and
// Azure SQL clients and the Application Insights exporter, so that the database user and the
// role assignments exist before the app's first start.

@description('Name of the identity.')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
