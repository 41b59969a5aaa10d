// Azure SQL logical server with Microsoft Entra-only authentication (no SQL logins, no
// passwords anywhere) and one serverless General Purpose database that pauses when idle.
// The deploying principal is the Entra admin; it creates the database user for the app's
// managed identity with infra/sql/create-identity-user.sql (run by infra/hooks/postprovision.sh).

param serverName string
param databaseName string
param location string
param tags object = {}

@description('Object id of the Microsoft Entra admin (the deploying user, group or service principal).')
param adminObjectId string

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

@description('Public IP address allowed through the firewall, e.g. the machine that runs the postprovision hook; empty for none.')
param clientIpAddress string = ''

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminObjectId
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

// Flex Consumption apps without a virtual network connect from shared Azure outbound
// addresses; 0.0.0.0 is the special rule that lets Azure services in. Authentication is still
// Entra-only, so only identities with a database user get in.
resource allowAzureServices 'Microsoft.Sql/servers/firewallRules@2023-08-01' = {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource allowClient 'Microsoft.Sql/servers/firewallRules@2023-08-01' = if (!empty(clientIpAddress)) {
  parent: server
  name: 'deploying-client'
  properties: {
    startIpAddress: clientIpAddress
    endIpAddress: clientIpAddress
  }
}

output serverName string = server.name
output serverFqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
