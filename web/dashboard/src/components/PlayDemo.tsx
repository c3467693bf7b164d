import { useState } from 'react';
import { clientKeys } from '../clientKeys.js';

/**
 * A link into the demo game (served at /demo/) joined to `world`. The demo signs players in with a
 * client key: the one created in this tab if any, else one the developer pastes (the dashboard can
 * list keys but never read them back).
 */
export function PlayDemo({ gameId, world }: { gameId: string; world: string }) {
  const [key, setKey] = useState(() => clientKeys.recall(gameId) ?? '');
  const usable = key.startsWith('sp_ck_');
  return (
    <div className="inline play">
      {!clientKeys.recall(gameId) && (
        <label>
          Client key
          <input
            value={key}
            onChange={(e) => setKey(e.target.value.trim())}
            placeholder="sp_ck_… (paste one; create it under API keys)"
            size={36}
          />
        </label>
      )}
      {usable ? (
        <a
          className="button primary"
          href={`/demo/?${new URLSearchParams({ key, world }).toString()}`}
          target="_blank"
          rel="noreferrer"
          data-testid="play-demo"
        >
          Play the demo ▶
        </a>
      ) : (
        <span className="muted">Paste a client key to play the demo in this world.</span>
      )}
    </div>
  );
}
