// App Service authentication ("Easy Auth") with Microsoft Entra ID in front of the Function App,
// so the people app (/api/app/) and the HTTP API ask a browser to sign in instead of for a
// function key. Deploy together with the app setting FRS_HTTP_AUTH=platform (function-app.bicep
// param httpAuth): the functions then drop their key requirement and refuse any request that
// did not pass this sign-in (functions/_shared/routes.ts). See README, "People app".
// Nothing is deployed unless enableAuth is true: the default stays function keys.

@description('Turn on App Service authentication with Microsoft Entra ID.')
param enableAuth bool = false

@description('Name of the existing Function App.')
param appName string

@description('Application (client) id of the Entra app registration used for sign-in.')
param clientId string = ''

@description('Tenant whose users may sign in (default: the deployment tenant).')
param tenantId string = tenant().tenantId

@description('Name of the app setting that holds the registration\'s client secret; empty for sign-in with ID tokens only.')
param clientSecretSettingName string = ''

@description('Extra token audiences accepted from scripts calling the API with a bearer token (api://<clientId> is always accepted).')
param allowedAudiences array = []

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (enableAuth) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      // The Event Grid webhook of the blob trigger authenticates with its system key, not a user.
      excludedPaths: [
        '/runtime/webhooks/blobs'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: union(
          {
            clientId: clientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          },
          empty(clientSecretSettingName) ? {} : { clientSecretSettingName: clientSecretSettingName }
        )
        validation: {
          allowedAudiences: concat([ 'api://${clientId}' ], allowedAudiences)
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
      preserveUrlFragmentsForLogins: true
    }
    httpSettings: {
      requireHttps: true
      routes: {
        apiPrefix: '/.auth'
      }
    }
  }
}

output enabled bool = enableAuth
