/**
 * Connection string → mssql config. mssql parses the ADO keys itself but maps only
 * `Authentication=Active Directory Integrated` to Entra ID; the keywords Azure documents for
 * Functions (`Active Directory Default`, `Active Directory Managed Identity`/`MSI`) would fall
 * back to a SQL login, so they are mapped here to a token credential (DefaultAzureCredential:
 * managed identity in Azure, az login / env vars locally).
 *
 * tedious' own `azure-active-directory-default` builds a new DefaultAzureCredential for every
 * connection it opens, so with a pool that closes idle connections every new connection went
 * through the whole credential chain and fetched a new token. Here ONE credential per client id
 * serves the process (`token-credential`): @azure/identity caches its token and renews it
 * before it expires.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import sql from 'mssql';
import { FrsError } from '../../errors.js';

const ENTRA_DEFAULT = new Set([
  'active directory default',
  'active directory managed identity',
  'active directory msi',
  'active directory integrated',
]);

/** The Authentication keyword, lowercased; its values never contain ';' so a regex will do. */
export function authenticationKeyword(connectionString: string): string | undefined {
  const match = /(?:^|;)\s*authentication\s*=\s*"?([^;"]*)"?/i.exec(connectionString);
  return match ? match[1].trim().toLowerCase() : undefined;
}

export function mssqlConfig(connectionString: string): sql.config {
  let parsed: ReturnType<typeof sql.ConnectionPool.parseConnectionString>;
  try {
    parsed = sql.ConnectionPool.parseConnectionString(connectionString);
  } catch (err) {
    throw new FrsError(
      'CONFIG_INVALID',
      `FRS_DATABASE is not a valid SQL Server connection string: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!parsed.server) throw new FrsError('CONFIG_INVALID', 'FRS_DATABASE names no server (Server=...).');
  const config: sql.config = {
    ...parsed,
    // For the app's queries; migrations run on their own connection without a timeout (mssql-migrations).
    requestTimeout: parsed.requestTimeout ?? 60_000,
    options: {
      encrypt: true,
      ...parsed.options,
      // XACT_ABORT ON: any error rolls back the whole transaction instead of leaving it half done.
      abortTransactionOnError: true,
    },
  };
  const auth = authenticationKeyword(connectionString);
  if (auth !== undefined && ENTRA_DEFAULT.has(auth)) {
    // For a user-assigned managed identity, `User Id` carries its client id.
    const clientId = parsed.user;
    delete config.user;
    delete config.password;
    delete (config as { authentication_type?: string }).authentication_type;
    config.authentication = { type: 'token-credential', options: { credential: sharedCredential(clientId) } };
  }
  return config;
}

const credentials = new Map<string, TokenCredential>();

/** The process's one credential for a managed identity client id ('' = the default identity). */
export function sharedCredential(clientId: string | undefined): TokenCredential {
  const key = clientId ?? '';
  let credential = credentials.get(key);
  if (!credential) {
    credential = new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
    credentials.set(key, credential);
  }
  return credential;
}
