/**
 * The client key last created in this browser tab, per game, for the "Play the demo" link. A client
 * key ships inside game clients anyway, but it is still kept only for the tab's life (sessionStorage)
 * and forgotten at log-out.
 */
const PREFIX = 'spawnpoint.client_key.';

export const clientKeys = {
  remember: (gameId: string, key: string): void => sessionStorage.setItem(PREFIX + gameId, key),
  recall: (gameId: string): string | null => sessionStorage.getItem(PREFIX + gameId),
  /** After a revoke: the key with this prefix no longer signs anyone in. */
  forgetRevoked: (gameId: string, prefix: string): void => {
    if (sessionStorage.getItem(PREFIX + gameId)?.startsWith(prefix)) sessionStorage.removeItem(PREFIX + gameId);
  },
  forgetAll: (): void => {
    for (const name of Object.keys(sessionStorage)) if (name.startsWith(PREFIX)) sessionStorage.removeItem(name);
  },
};
