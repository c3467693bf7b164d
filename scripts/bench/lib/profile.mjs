// Summaries of a V8 CPU profile (`node --cpu-prof`): where a server's CPU went in the measured
// windows, as self time by area and by function, idle left out, printed as Markdown tables.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first .cpuprofile written in `dir`, parsed; null when there is none. */
export function readCpuProfile(dir) {
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  return file ? JSON.parse(readFileSync(join(dir, file), 'utf8')) : null;
}

/**
 * Self time (µs) of the samples inside any of `windows` ({ from, to } on the monotonic clock V8
 * stamps samples with, as process.hrtime does), idle left out: in total, by area (see `area`, which
 * takes `grouping`) and by function (`name area`, plus `:line` unless `grouping.lines` is false).
 */
export function selfTime({ nodes, samples, timeDeltas, startTime }, windows, grouping = {}) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const byArea = new Map();
  const byFunction = new Map();
  const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
  let total = 0;
  let at = startTime;
  samples.forEach((id, i) => {
    const micros = timeDeltas[i] ?? 0;
    at += micros;
    if (!windows.some((w) => at >= w.from && at <= w.to)) return;
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') return;
    total += micros;
    const where = area(callFrame, grouping);
    add(byArea, where, micros);
    const line = grouping.lines === false ? '' : `:${callFrame.lineNumber + 1}`;
    add(byFunction, `${callFrame.functionName || '(anonymous)'} ${where}${line}`, micros);
  });
  return { total, byArea, byFunction };
}

/**
 * Where a sampled function lives: `node:<module>`, an npm package (with its scope), or a built file
 * under dist/ — its first `distDepth` path segments when given (2: `apps/api`), else the whole path.
 * Frames without a script are '(garbage collector)' or '(native / program)', or all '(native)' with
 * `lumpNative`.
 */
function area({ url, functionName }, { distDepth, lumpNative = false } = {}) {
  if (!url) {
    if (lumpNative) return '(native)';
    return functionName === '(garbage collector)' ? '(garbage collector)' : '(native / program)';
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist < 0) return url;
  const path = url.slice(dist + 6);
  return distDepth ? path.split('/').slice(0, distDepth).join('/') : path;
}

/**
 * Prints `heading`, then the shares of `total` (from selfTime) of the top `areas` areas, in a
 * table whose first column is `areaTitle`, and of the top `functions` functions.
 */
export function printShares(heading, { total, byArea, byFunction }, { areaTitle, areas, functions }) {
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, micros]) => `| ${key} | ${((micros / total) * 100).toFixed(1)} % |`)
      .join('\n');
  console.log(`\n${heading}\n`);
  console.log(
    `| ${areaTitle} | share |\n| --- | ---: |\n${top(byArea, areas)}\n\n| Function | share |\n| --- | ---: |\n${top(byFunction, functions)}`,
  );
}
