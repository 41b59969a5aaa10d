// Azure SQL logical server with Microsoft Entra-only authentication (no SQL logins, no
// passwords anywhere) and one serverless General Purpose database that pauses when idle.
// The deploying principal is the Entra admin; it creates the database users with
// infra/sql/create-identity-user.sql (run by infra/hooks/postprovision.sh, which lets its own
// IP in for that run only: no client firewall rule is left behind).
//
// Network: with vnetEnabled the server has no public endpoint at all (the app reaches it through
// a private endpoint, main.bicep). Without it, the app (Flex Consumption without a virtual
// network, shared outbound addresses) gets in through the "Azure services" rule, which admits
// connections from any Azure tenant at network level; Entra-only authentication still admits
// only identities with a database user. Use vnetEnabled to close that.

param serverName string
param databaseName string
param location string
param tags object = {}

@description('The Microsoft Entra admin\'s sid: the object id of a user or group, the application (client) id of a service principal.')
param adminSid string

@description('Display name recorded for the Entra admin; free text, the object id is what counts.')
param adminLogin string

@allowed([
  'User'
  'Group'
  'Application'
])
param adminPrincipalType string = 'User'

@description('Most vCores the serverless database scales up to.')
@allowed([
  1
  2
  4
  6
  8
])
param maxVCores int = 2

@description('Least vCores while online, as a string because Bicep has no decimal literals.')
param minVCores string = '0.5'

@description('Minutes without activity before the database pauses (15 at least; -1 never pauses).')
param autoPauseDelayMinutes int = 60

@description('Largest database size in GiB.')
param maxSizeGiB int = 32

@description('No public endpoint: the app connects through a private endpoint (main.bicep, vnetEnabled).')
param privateOnly bool = false

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminSid
      tenantId: tenant().tenantId
      principalType: adminPrincipalType
    }
  }
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: {
    name: 'GP_S_Gen5'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: maxVCores
  }
  properties: {
    autoPauseDelay: autoPauseDelayMinutes
    minCapacity: json(minVCores)
    maxSizeBytes: maxSizeGiB * 1024 * 1024 * 1024
    zoneRedundant: false
    requestedBackupStorageRedundancy: 'Local'
  }
}

// Only without the private option: see the header.
resource allowAzureServices 'Microsoft.Sql/servers/firewallRules@2023-08-01' = if (!privateOnly) {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

output serverName string = server.name
output serverFqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
output id string = server.id
