// Role assignments, all on single resources (never the resource group or subscription).
//
// The app's managed identity gets, on the Storage account:
//   - Storage Blob Data Owner: required by the Functions host for AzureWebJobsStorage
//     (host keys in azure-webjobs-secrets, locks and the timer schedule monitor in
//     azure-webjobs-hosts, blob receipts), by Flex Consumption to read the deployment package,
//     and documented as the role for an identity-based blob trigger connection (FRS_STORAGE).
//     FRS itself only needs Data Contributor on `media` and `thumbnails`, but the host and the
//     trigger share the account, so Owner on the account is the narrowest role that works for
//     both; container-scoped assignments would break the host's own containers.
//   - Storage Queue Data Contributor: the blob trigger writes messages it gave up on to the
//     `webjobs-blobtrigger-poison` queue of its connection's account, and the host uses queues.
//   - Storage Table Data Contributor: the host writes its diagnostic events to Table storage
//     (shown under "Diagnose and solve problems"); drop it if you do not want them.
// and, on Application Insights (local auth disabled):
//   - Monitoring Metrics Publisher: to send telemetry with Entra authentication.
//
// The deploying principal (optional) gets Storage Blob Data Contributor so that it can upload
// photos with `az storage blob upload --auth-mode login` while shared keys are off.

param storageAccountName string
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

var identityStorageRoles = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource identityOnStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in identityStorageRoles: {
    name: guid(storage.id, identityPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource identityOnAppInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityPrincipalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userOnStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, roleIds.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}
