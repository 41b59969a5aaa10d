/**
 * The SQL Server adapter's transaction and retry logic against an injected fake driver (nothing
 * of SQL Server runs here; the contract suite is the real check where FRS_TEST_MSSQL is set):
 * nested transactions are savepoints, a rollback waits for the transaction's requests, transient
 * faults are retried with backoff within a bounded time (single operations and whole
 * transactions, never a statement inside one), other errors are not retried.
 */
import { describe, expect, it } from 'vitest';
import { MssqlRepository } from '../../src/data/mssql/mssql-repository.js';
import { isTransientSqlError, type RetryPolicy } from '../../src/data/mssql/mssql-retry.js';
import { FrsError } from '../../src/errors.js';
import { FakeDriver, sqlError } from './mssql-fake-driver.js';

function setUp(policy: Partial<RetryPolicy> = {}) {
  const driver = new FakeDriver();
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const repo = new MssqlRepository(
    driver,
    { vectorType: false },
    {
      retry: {
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        maxTotalMs: 5_000,
        sleep: async (ms) => void sleeps.push(ms),
        ...policy,
      },
      warn: (m) => warnings.push(m),
    },
  );
  return { driver, repo, sleeps, warnings };
}

const paused = () => sqlError(40613, "Database 'frs' on server 'x' is not currently available. Please retry later.");

describe('SQL Server transient faults', () => {
  it.each([
    [sqlError(40613, 'paused database resuming'), true],
    [sqlError(40197, 'failover'), true],
    [sqlError(40501, 'busy'), true],
    [sqlError(49918, 'not enough resources'), true],
    [sqlError(49919, 'too many create/update'), true],
    [sqlError(49920, 'too many operations'), true],
    [sqlError(1205, 'deadlock victim'), true],
    [Object.assign(new Error('Connection lost - read ECONNRESET'), { name: 'ConnectionError', code: 'ESOCKET' }), true],
    [Object.assign(new Error('Failed to connect in 15000ms'), { name: 'ConnectionError', code: 'ETIMEOUT' }), true],
    [Object.assign(new Error('login failed'), { name: 'ConnectionError', code: 'ELOGIN', isTransient: true }), true],
    [new FrsError('DATABASE_ERROR', 'wrapped', { cause: sqlError(40613, 'inner') }), true],
    [sqlError(2627, 'Violation of PRIMARY KEY constraint'), false],
    [sqlError(208, "Invalid object name 'dbo.Faces'"), false],
    [
      Object.assign(new Error('Timeout: Request failed to complete in 60000ms'), {
        name: 'RequestError',
        code: 'ETIMEOUT',
      }),
      false,
    ],
    [new Error('plain'), false],
  ])('%s → transient: %s', (err, expected) => {
    expect(isTransientSqlError(err)).toBe(expected);
  });

  it('retries a single operation with growing delays until it succeeds', async () => {
    const { driver, repo, sleeps, warnings } = setUp();
    driver.failNext.push(paused(), sqlError(40501, 'busy'), sqlError(1205, 'deadlock'));
    expect(await repo.getMediaItem(1)).toMatchObject({ id: 1 });
    expect(driver.sent).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    // Exponential backoff with up to 20% jitter below: 100, 200, 400.
    [100, 200, 400].forEach((base, i) => {
      expect(sleeps[i]).toBeGreaterThanOrEqual(base * 0.8);
      expect(sleeps[i]).toBeLessThanOrEqual(base);
    });
    expect(warnings.join('\n')).toMatch(/transient fault .*retry 1/);
  });

  it('gives up after the bounded total time and reports the last error as DATABASE_ERROR', async () => {
    const { driver, repo, sleeps } = setUp({ maxTotalMs: 1_000 });
    for (let i = 0; i < 50; i++) driver.failNext.push(paused());
    const err = await repo.stats().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('DATABASE_ERROR');
    expect((err as FrsError).message).toMatch(/while counting: .*not currently available/);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000);
    expect(sleeps.length).toBeGreaterThanOrEqual(3);
    expect(driver.sent.length).toBe(sleeps.length + 1);
  });

  it('does not retry an error that is not transient', async () => {
    const { driver, repo, sleeps } = setUp();
    driver.failNext.push(sqlError(2627, 'Violation of PRIMARY KEY constraint'));
    await expect(repo.releaseLock('grouping', 'me')).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
    expect(driver.sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a whole transaction, never a statement inside it', async () => {
    const { driver, repo } = setUp();
    let runs = 0;
    // The second statement of the first run is a deadlock victim.
    driver.failNext.push(undefined, sqlError(1205, 'Transaction was deadlocked'));
    const result = await repo.transaction(async (tx) => {
      runs++;
      await tx.getMediaItem(1);
      await tx.getMediaItem(2);
      return 'written';
    });
    expect(result).toBe('written');
    expect(runs).toBe(2);
    expect(driver.events).toEqual(['tx1 begin', 'tx1 rollback', 'tx2 begin', 'tx2 commit']);
    expect(driver.sent.map((s) => `${s.where} ${s.params.id as number}`)).toEqual(['tx1 1', 'tx1 2', 'tx2 1', 'tx2 2']);
  });

  it('passes the callback’s own errors through without retrying', async () => {
    const { driver, repo } = setUp();
    await expect(
      repo.transaction(async () => {
        throw new FrsError('LOCKED', 'lost the lock');
      }),
    ).rejects.toMatchObject({ code: 'LOCKED' });
    expect(driver.events).toEqual(['tx1 begin', 'tx1 rollback']);
  });
});

describe('SQL Server transactions', () => {
  it('joins calls made on the repository inside transaction() (same async chain)', async () => {
    const { driver, repo } = setUp();
    await repo.transaction(async () => {
      await repo.getMediaItem(1);
    });
    expect(driver.sent.map((s) => s.where)).toEqual(['tx1']);
    await repo.getMediaItem(1);
    expect(driver.sent.map((s) => s.where)).toEqual(['tx1', 'pool']);
  });

  it('makes a nested transaction a savepoint that rolls back on its own', async () => {
    const { driver, repo } = setUp();
    const outcome = await repo.transaction(async (tx) => {
      await tx.getMediaItem(1);
      await repo
        .transaction(async (inner) => {
          await inner.getMediaItem(2);
          throw new Error('inner failed');
        })
        .catch((e: Error) => e.message);
      await tx.getMediaItem(3);
      return 'outer committed';
    });
    expect(outcome).toBe('outer committed');
    const texts = driver.sent.map((s) => s.text);
    const save = texts.find((t) => t.startsWith('SAVE TRANSACTION'))!;
    const name = /SAVE TRANSACTION (frs_sp_\d+)/.exec(save)![1];
    expect(texts).toContain(`IF XACT_STATE() = 1 ROLLBACK TRANSACTION ${name}`);
    expect(driver.events).toEqual(['tx1 begin', 'tx1 commit']);
  });

  it('an operation with its own atomic step inside a transaction uses a savepoint, not a second transaction', async () => {
    const { driver, repo } = setUp();
    await repo.transaction((tx) => tx.tidyPersons([1, 2]));
    expect(driver.events).toEqual(['tx1 begin', 'tx1 commit']);
    expect(driver.sent[0].text).toMatch(/^SAVE TRANSACTION frs_sp_\d+$/);
  });

  it('rolls back only after the transaction’s running requests have finished', async () => {
    const { driver, repo } = setUp();
    driver.queryMs = 20;
    await expect(
      repo.transaction(async (tx) => {
        // Two requests queued at once; the callback fails while they still run.
        const pending = Promise.allSettled([tx.getMediaItem(1), tx.getMediaItem(2)]);
        void pending;
        throw new Error('failed mid-way');
      }),
    ).rejects.toThrow('failed mid-way');
    expect(driver.events).toEqual(['tx1 begin', 'tx1 rollback']);
    expect(driver.sent).toHaveLength(2);
  });

  it('accepts a transaction the server already rolled back (XACT_ABORT) and reports a failed rollback', async () => {
    const { driver, repo } = setUp();
    driver.failRollback.push(Object.assign(new Error('Transaction has been aborted.'), { code: 'EABORT' }));
    await expect(
      repo.transaction(async () => {
        throw new Error('statement failed');
      }),
    ).rejects.toThrow(/^statement failed$/);

    driver.failRollback.push(Object.assign(new Error('connection is closed'), { code: 'ECONNCLOSED' }));
    await expect(
      repo.transaction(async () => {
        throw new Error('statement failed');
      }),
    ).rejects.toThrow(/statement failed \(and the rollback failed\)/);
  });

  it('reports a failed commit as DATABASE_ERROR', async () => {
    const { driver, repo } = setUp();
    const commitError = Object.assign(new Error('commit failed'), { name: 'TransactionError', code: 'EREQUEST' });
    Object.setPrototypeOf(commitError, (await import('mssql')).default.MSSQLError.prototype);
    driver.failCommit.push(commitError);
    await expect(repo.transaction(async () => 1)).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
  });
});

describe('opening a paused serverless database', () => {
  it('waits for it to resume (40613 on login) instead of failing the run', async () => {
    const warnings: string[] = [];
    const sleeps: number[] = [];
    let attempts = 0;
    const repo = await MssqlRepository.connect(
      'opening the SQL Server database',
      async () => {
        if (++attempts < 4)
          throw Object.assign(new Error("Database 'frs' on server 'x' is not currently available."), {
            name: 'ConnectionError',
            code: 'ELOGIN',
            isTransient: true,
          });
        return { driver: new FakeDriver(), vectorType: false };
      },
      {
        retry: {
          baseDelayMs: 1000,
          maxDelayMs: 15_000,
          maxTotalMs: 120_000,
          sleep: async (ms) => void sleeps.push(ms),
        },
        warn: (m) => warnings.push(m),
      },
    );
    expect(attempts).toBe(4);
    expect(await repo.getMediaItem(1)).toMatchObject({ id: 1 });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/database not available yet .*retry 1/);
  });

  it('reports DATABASE_ERROR when the server stays unavailable past the bound, or at once for a wrong login', async () => {
    const retry = { baseDelayMs: 1000, maxDelayMs: 15_000, maxTotalMs: 20_000, sleep: async () => {} };
    let attempts = 0;
    const paused = MssqlRepository.connect(
      'opening',
      async () => {
        attempts++;
        throw sqlError(40613, 'not currently available');
      },
      { retry, warn: () => {} },
    );
    await expect(paused).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(10);

    attempts = 0;
    const denied = MssqlRepository.connect(
      'opening',
      async () => {
        attempts++;
        throw Object.assign(new Error("Login failed for user '<token-identified principal>'."), {
          name: 'ConnectionError',
          code: 'ELOGIN',
        });
      },
      { retry, warn: () => {} },
    );
    await expect(denied).rejects.toMatchObject({
      code: 'DATABASE_ERROR',
      message: expect.stringMatching(/Login failed/),
    });
    expect(attempts).toBe(1);
  });
});
