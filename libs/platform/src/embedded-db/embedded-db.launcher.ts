import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Launcher for apps/embedded-db (FerretDB embedded over SQLite, speaking the MongoDB wire protocol).
 *
 * The binary prints exactly one line `ready mongodb://127.0.0.1:<port>/` on stdout once it listens;
 * logs go to stderr. It holds an exclusive lock on its data directory (exit code 3 when another
 * instance has it) and stops cleanly on SIGTERM.
 */
export interface EmbeddedDb {
  /** MongoDB connection string, e.g. `mongodb://127.0.0.1:41234/` (no database name). */
  uri: string;
  /** Absolute data directory (SQLite files live in `<dataDir>/db`). */
  dataDir: string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>;
  pid: number;
}

export interface StartEmbeddedDbOptions {
  dataDir: string;
  /** host:port to listen on; default `127.0.0.1:0` (a free port). */
  listen?: string;
  /** Path to the binary; default {@link embeddedDbBinary}. */
  binary?: string;
  /** FerretDB log level (debug|info|warn|error); default: the binary's (warn). */
  logLevel?: string;
  /** How long to wait for the ready line; default 30 s. */
  startTimeoutMs?: number;
  /** Called with each stderr line (e.g. to forward logs). */
  onStderr?: (line: string) => void;
}

export const EMBEDDED_DB_EXIT_LOCKED = 3;
const BINARY_REL = path.join('apps', 'embedded-db', 'bin', 'parley-embedded-db');
const STDERR_TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;

/** The repository root: the nearest ancestor of the cwd holding nest-cli.json or apps/embedded-db. */
function findRepoRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'nest-cli.json')) || existsSync(path.join(dir, 'apps', 'embedded-db'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`embedded-db: cannot find the repository root (no nest-cli.json or apps/embedded-db above ${start})`);
    }
    dir = parent;
  }
}

/** Absolute path to apps/embedded-db/bin/parley-embedded-db (env PARLEY_EMBEDDED_DB_BIN overrides). */
export function embeddedDbBinary(): string {
  const override = process.env.PARLEY_EMBEDDED_DB_BIN;
  if (override) return path.resolve(override);
  return path.join(findRepoRoot(), BINARY_REL);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startEmbeddedDb(opts: StartEmbeddedDbOptions): Promise<EmbeddedDb> {
  const binary = opts.binary ? path.resolve(opts.binary) : embeddedDbBinary();
  const dataDir = path.resolve(opts.dataDir);
  const listen = opts.listen ?? '127.0.0.1:0';
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  if (!existsSync(binary)) {
    throw new Error(`embedded-db: binary not found at ${binary} (build it with \`bash apps/embedded-db/build.sh\`)`);
  }

  const args = ['--data-dir', dataDir, '--listen', listen, '--exit-with-parent'];
  if (opts.logLevel) args.push('--log-level', opts.logLevel);

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    opts.onStderr?.(line);
  });
  const tail = () => (stderrTail.length ? `\n--- stderr (last lines) ---\n${stderrTail.join('\n')}` : ' (no stderr output)');

  // If this Node process exits without stop(), ask the child to shut down too.
  const onParentExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', onParentExit);

  const uri = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(value!);
    };
    const onError = (err: Error) => {
      process.off('exit', onParentExit);
      finish(new Error(`embedded-db: failed to spawn ${binary}: ${err.message}`));
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => {
      process.off('exit', onParentExit);
      // Let the stderr stream drain so the message carries the reason.
      setImmediate(() => {
        const why = code === EMBEDDED_DB_EXIT_LOCKED ? ' (data directory is locked by another instance)' : '';
        finish(new Error(`embedded-db: exited before ready with ${signal ?? `code ${code}`}${why} [${dataDir}]${tail()}`));
      });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      process.off('exit', onParentExit);
      finish(new Error(`embedded-db: not ready after ${timeoutMs} ms [${dataDir}]${tail()}`));
    }, timeoutMs);

    child.once('error', onError);
    child.once('exit', onEarlyExit);
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const m = /^ready (mongodb:\/\/\S+)$/.exec(line.trim());
      if (m) finish(null, m[1]);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', onParentExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = waitForExit(child);
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, STOP_GRACE_MS);
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      await exited;
    })();
    return stopping;
  };

  return { uri, dataDir, stop, pid: child.pid! };
}
