// What the machine and a process on it are using, read from /proc (Linux).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** `<n> cores, <CPU model>, Node <version>`: the start of every bench's machine line. */
export function describeMachine() {
  return `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

/** utime + stime of a process, in clock ticks (1/100 s); 0 when it cannot be read. */
export function processCpu(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Resident set size of a process, in bytes. */
export function processRss(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Busy and total clock ticks of all cores since boot: two readings give the machine's CPU use between them. */
export function machineCpu() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const values = ticks.map(Number);
    const idle = values[3] + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 1 };
  }
}
