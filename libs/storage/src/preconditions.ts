import { AppError, ErrorCode } from '@spawnpoint/shared';

/**
 * What must hold for a write to happen, checked in the same SQL statement as the write:
 * `version` (If-Match: "3"), `exists` (If-Match: *), `absent` (If-None-Match: *), or nothing.
 */
export type WritePrecondition = { kind: 'none' } | { kind: 'version'; version: number } | { kind: 'exists' } | { kind: 'absent' };

/** Versions live in a Postgres `integer`. */
export const STORAGE_VERSION_MAX = 2_147_483_647;

const ENTITY_TAG = /^(?:W\/)?(?:"([0-9]{1,10})"|([0-9]{1,10}))$/;

/** The ETag header of a document version: a strong entity tag, `"3"`. */
export function formatEtag(version: number): string {
  return `"${version}"`;
}

/**
 * The version named by an entity tag: `"3"`, bare `3` (lenient clients) and the weak `W/"3"`
 * (proxies that compress turn strong tags weak) all mean version 3. Null when it names none.
 */
export function parseEtag(raw: string): number | null {
  const match = ENTITY_TAG.exec(raw.trim());
  if (!match) return null;
  const version = Number(match[1] ?? match[2]);
  return version >= 1 && version <= STORAGE_VERSION_MAX ? version : null;
}

/** Reads the If-Match / If-None-Match headers of a write; malformed or combined headers are a 400, not a silent unconditional write. */
export function parseWritePrecondition(headers: { ifMatch?: string; ifNoneMatch?: string }): WritePrecondition {
  const ifMatch = headers.ifMatch?.trim();
  const ifNoneMatch = headers.ifNoneMatch?.trim();
  if (ifMatch && ifNoneMatch) throw invalid('If-Match', 'send either If-Match or If-None-Match, not both');
  if (ifNoneMatch) {
    if (ifNoneMatch !== '*') throw invalid('If-None-Match', 'If-None-Match supports only *, meaning "create only if absent"');
    return { kind: 'absent' };
  }
  if (ifMatch) {
    if (ifMatch === '*') return { kind: 'exists' };
    const version = parseEtag(ifMatch);
    if (version === null) throw invalid('If-Match', 'If-Match must be one version, as "3", 3 or W/"3", or *');
    return { kind: 'version', version };
  }
  return { kind: 'none' };
}

/** The precondition of one item of a batch, from its `if_match` / `if_none_match` fields. */
export function batchItemPrecondition(item: { ifMatch?: number; ifNoneMatch?: boolean }, field: string): WritePrecondition {
  if (item.ifMatch !== undefined && item.ifNoneMatch) throw invalid(field, 'set either if_match or if_none_match, not both');
  if (item.ifMatch !== undefined) return { kind: 'version', version: item.ifMatch };
  if (item.ifNoneMatch) return { kind: 'absent' };
  return { kind: 'none' };
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'The request is not valid', [{ field, message }]);
}
