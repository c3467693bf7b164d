/**
 * The client key last created in this browser tab, per game, for the "Play the demo" link. A client
 * key ships inside game clients anyway, but it is still kept only for the tab's life (sessionStorage)
 * and forgotten at log-out.
 */
const PREFIX = 'spawnpoint.client_key.';

export const clientKeys = {
  remember: (gameId: string, key: string): void => sessionStorage.setItem(PREFIX + gameId, key),
  recall: (gameId: string): string | null => sessionStorage.getItem(PREFIX + gameId),
  forgetAll: (): void => {
    for (const name of Object.keys(sessionStorage)) if (name.startsWith(PREFIX)) sessionStorage.removeItem(name);
  },
};
