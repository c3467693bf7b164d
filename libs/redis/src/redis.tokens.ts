/** Commands client; every key is prefixed with REDIS_KEY_PREFIX so deployments and test runs can share a server. */
export const REDIS = Symbol('REDIS');
/** A second connection for SUBSCRIBE, which blocks a connection for anything else. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
