import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('libs/sdk/src/rest/schema.gen.ts', () => {
  it('is what scripts/sdk/generate.mjs makes of openapi/openapi.json (run `npm run openapi` after changing the API)', () => {
    const generated = execFileSync(process.execPath, ['scripts/sdk/generate.mjs', '--stdout'], { cwd: ROOT, encoding: 'utf8' });
    expect(generated).toBe(readFileSync(`${ROOT}libs/sdk/src/rest/schema.gen.ts`, 'utf8'));
  }, 60_000); // a second process that parses the whole spec: seconds on a loaded machine
});
