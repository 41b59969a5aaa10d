import { describe, expect, it } from 'vitest';
import { mssqlConfig, sharedCredential } from '../../src/data/mssql/mssql-config.js';
import { isSqlServerConnectionString } from '../../src/data/open-repository.js';
import { FrsError } from '../../src/errors.js';

describe('FRS_DATABASE kind', () => {
  it.each([
    ['Server=tcp:frs.database.windows.net,1433;Initial Catalog=frs;Authentication=Active Directory Default', true],
    ['Data Source=localhost;Initial Catalog=frs;User ID=sa;Password=x', true],
    ['  server = db ; database=frs', true],
    ['./.frs/frs.db', false],
    ['C:\\data\\Server=1\\frs.db', false],
    ['/var/lib/frs/frs.db', false],
  ])('%s → SQL Server: %s', (value, expected) => {
    expect(isSqlServerConnectionString(value)).toBe(expected);
  });
});

describe('SQL Server connection string → mssql config', () => {
  it('uses a SQL login when no Entra authentication is named', () => {
    const config = mssqlConfig(
      'Data Source=db.example,1444;Initial Catalog=frs;User ID=frs_app;Password="p;a=ss";TrustServerCertificate=true',
    );
    expect(config).toMatchObject({
      server: 'db.example',
      port: 1444,
      database: 'frs',
      user: 'frs_app',
      password: 'p;a=ss',
    });
    expect(config.options).toMatchObject({
      trustServerCertificate: true,
      encrypt: true,
      abortTransactionOnError: true,
    });
    expect(config.authentication).toBeUndefined();
  });

  it('maps Active Directory Default to one shared token credential without a password', () => {
    const text =
      'Server=tcp:frs.database.windows.net,1433;Database=frs;Authentication=Active Directory Default;Encrypt=True';
    const config = mssqlConfig(text);
    expect(config).toMatchObject({ server: 'frs.database.windows.net', database: 'frs' });
    expect(config.authentication).toEqual({
      type: 'token-credential',
      options: { credential: sharedCredential(undefined) },
    });
    expect(config.user).toBeUndefined();
    // Every config (every pool, every connection tedious opens from it) gets the same credential
    // object, whose token cache then serves them all; tedious' azure-active-directory-default
    // built a new DefaultAzureCredential per connection.
    const again = mssqlConfig(text).authentication as { options: { credential: unknown } };
    expect(again.options.credential).toBe(sharedCredential(undefined));
  });

  it('passes a user-assigned managed identity client id from User Id, one credential per identity', () => {
    const config = mssqlConfig(
      'Server=frs.database.windows.net;Database=frs;Authentication="Active Directory Managed Identity";User Id=1111-2222',
    );
    const credential = sharedCredential('1111-2222');
    expect(config.authentication).toEqual({ type: 'token-credential', options: { credential } });
    expect(credential).not.toBe(sharedCredential(undefined));
    expect(config.user).toBeUndefined();
  });

  it('rejects a connection string without a server as CONFIG_INVALID', () => {
    const err = (() => {
      try {
        mssqlConfig('Initial Catalog=frs;User ID=sa');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('CONFIG_INVALID');
  });
});
