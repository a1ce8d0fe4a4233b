// Starts the real `safeguard serve` on a fresh data directory and a free port, and adds users
// through the real CLI, as an operator would.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const binary = process.env.SAFEGUARD_BIN || join(repo, 'target', 'debug', 'safeguard');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A running server: `base` URL, `user()` to add users, `stop()` when done. `extra`: more
 *  arguments for `safeguard serve` (such as a shorter `--idle-timeout-seconds`);
 *  `demoCases`: synthetic cases added with `safeguard demo` before it starts. */
export async function startServer(extra = [], { demoCases = 0 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeguard-browser-'));
  if (demoCases > 0) {
    execFileSync(binary, ['demo', '--cases', String(demoCases), '--data-dir', dataDir], { stdio: 'ignore' });
  }
  const port = await freePort();
  // Pages load faster than a person clicks; the per-user rate limit is tested in Rust (limits::).
  const proc = spawn(binary, ['serve', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`, '--user-rate', '0', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (i > 300 || proc.exitCode !== null) throw new Error(`the server did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const cli = (args) => execFileSync(binary, [...args, '--data-dir', dataDir], { encoding: 'utf8' });
  return {
    base,
    /** Adds a user; returns their one-time sign-in code. */
    user(org, role, name) {
      const out = cli(['user', 'add', '--org', org, '--role', role, '--name', name]);
      const code = out.match(/sign-in code[^:]*\):\s*(\S+)/);
      if (!code) throw new Error(`no sign-in code in: ${out}`);
      return code[1];
    },
    /** Adds a user with an API token; returns the token. */
    token(org, role, name) {
      return cli(['user', 'add', '--org', org, '--role', role, '--name', name, '--token']).trim();
    },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
