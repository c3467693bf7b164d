// The servers a bench starts as child processes: waiting until one answers, stopping it. (A port
// for one: freePort in scripts/lib/services.mjs.)
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `url` every 100 ms until it answers with one of `statuses`; fails if `child` exits or after 30 s. */
export async function waitFor(url, child, statuses = [200]) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const status = (await fetch(url).catch(() => null))?.status;
    if (statuses.includes(status)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer within 30 s`);
}

/** SIGTERM, then SIGKILL if the process has not exited within 15 s. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}
