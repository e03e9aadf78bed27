import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// A server as its own process, found by the URL (or port) it prints, and its resident memory
// read from /proc while it works.

export interface Child {
  url: string;
  pid: number;
  /** Resident set size now, in MiB (Linux /proc). */
  rssMiB: () => number;
  stop: () => Promise<void>;
}

export async function startChild(command: string, args: string[], env: Record<string, string>, urlPattern: RegExp): Promise<Child> {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A benchmark that dies half-way must not leave its servers running.
  const orphan = (): void => { child.kill('SIGKILL'); };
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} printed no address within 60 s:\n${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += String(chunk);
      const m = urlPattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${out}`)));
  });
  // Keep draining its output (request log lines) so that the pipe never stalls it.
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    url,
    pid,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : Number.NaN;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Samples a child's RSS every 200 ms while `work` runs; returns the peak. */
export async function peakRss<T>(child: Child, work: () => Promise<T>): Promise<{ result: T; rssMiB: number }> {
  let peak = child.rssMiB();
  const timer = setInterval(() => { peak = Math.max(peak, child.rssMiB()); }, 200);
  try {
    const result = await work();
    peak = Math.max(peak, child.rssMiB());
    return { result, rssMiB: peak };
  } finally {
    clearInterval(timer);
  }
}

/** User + system CPU time a process has used so far, in seconds (Linux /proc; clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
