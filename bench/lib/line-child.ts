/**
 * A child process driven one request at a time over stdin/stdout: the parent writes a line, the
 * child answers with one JSON line. Lets a benchmark keep several warmed-up processes alive and
 * decide, request by request, which of them works next.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export class LineChild {
  private readonly process: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending: string[] = [];
  private readonly waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  private exited?: Error;
  private readonly closed: Promise<void>;

  constructor(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; name: string }) {
    this.process = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(line);
      else this.pending.push(line);
    });
    this.closed = new Promise((resolve) =>
      this.process.on('close', (code) => {
        this.exited = new Error(`${options.name} child exited with ${code}`);
        for (const waiter of this.waiting.splice(0)) waiter.reject(this.exited);
        resolve();
      }),
    );
  }

  /** The child's next answer, parsed. */
  next<T>(): Promise<T> {
    const line = this.pending.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line) as T);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<string>((resolve, reject) => this.waiting.push({ resolve, reject })).then(
      (l) => JSON.parse(l) as T,
    );
  }

  /** Sends one request line and waits for its answer. */
  ask<T>(line: string): Promise<T> {
    this.process.stdin.write(line + '\n');
    return this.next<T>();
  }

  /** Ends the child's input and waits for it to exit. */
  async close(): Promise<void> {
    this.process.stdin.end();
    await this.closed;
  }
}
