// The bounds of player storage, in one place: the service enforces them, the DTOs and OpenAPI
// repeat them, and docs/storage.md documents them.

/** Largest document value, measured as its serialised JSON in UTF-8 bytes. Over it: 413 payload_too_large. */
export const STORAGE_VALUE_MAX_BYTES = 64 * 1024;

/** Deepest nesting of objects and arrays in a value; the value itself is depth 1. Over it: 400. */
export const STORAGE_VALUE_MAX_DEPTH = 32;

/** Syntax of collection names and keys: safe in URLs, logs and cursors. */
export const STORAGE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Most writes in one all-or-nothing batch. */
export const STORAGE_BATCH_MAX_WRITES = 100;

/** Page size of a collection listing. */
export const STORAGE_LIST_LIMIT_DEFAULT = 25;
export const STORAGE_LIST_LIMIT_MAX = 100;

/** `PUT|GET /players/:playerId/data` is this one document, so it has a version and ETag like any other. */
export const PLAYER_DATA_COLLECTION = 'data';
export const PLAYER_DATA_KEY = 'default';

export const STORAGE_READ_ACCESS = ['none', 'owner', 'public'] as const;
export const STORAGE_WRITE_ACCESS = ['none', 'owner'] as const;

/** Who may read a document besides server keys: nobody, its owner, or every player of the game. */
export type StorageReadAccess = (typeof STORAGE_READ_ACCESS)[number];
/** Who may write a document besides server keys: nobody, or its owner. */
export type StorageWriteAccess = (typeof STORAGE_WRITE_ACCESS)[number];
