// One private endpoint: a service's sub-resource (a storage account's blob, queue or table
// service, or a SQL server) reachable at a private address in the private-endpoint subnet, its
// name registered in the matching private DNS zone.

param name string
param location string
param tags object = {}

@description('Resource id of the storage account or SQL server.')
param targetId string

@description('Sub-resource: blob, queue, table (storage) or sqlServer (SQL).')
@allowed([
  'blob'
  'queue'
  'table'
  'sqlServer'
])
param groupId string

param subnetId string

@description('Resource id of the private DNS zone for this sub-resource (network.bicep outputs).')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource dnsGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}
