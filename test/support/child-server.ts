import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real server as a child process, the way it runs outside tests (`npm start`, the compiled
// build, or src/server.ts under tsx), for the tests that start it or stop it from outside.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerChild {
  url: string;
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** The command and its arguments: `node --import tsx src/server.ts` unless given (`npm start`, the compiled build). */
  command?: [string, ...string[]];
  uid?: number;
  gid?: number;
  /** Its own process group, so that a wrapper (npm) and the server it starts can be signalled together. */
  detached?: boolean;
}

/** Spawns the server; resolves once it prints its URL, rejects if it exits first. */
export function spawnServer(env: NodeJS.ProcessEnv, options: SpawnOptions = {}): { child: ChildProcess; ready: Promise<ServerChild> } {
  const [command, ...args] = options.command ?? [process.execPath, '--import', 'tsx', 'src/server.ts'];
  const { command: _c, ...spawnOptions } = options;
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += String(chunk); });
  child.stderr!.on('data', (chunk: Buffer) => { out += String(chunk); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<ServerChild>((resolve, reject) => {
    const look = () => {
      const m = out.match(/running at (http:\/\/\S+?)\/?\n/);
      if (m) {
        child.stdout!.off('data', look);
        resolve({ url: m[1]!, process: child, output: () => out, exited });
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${out}`)));
  });
  return { child, ready };
}

