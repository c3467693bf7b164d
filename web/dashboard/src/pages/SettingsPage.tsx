import { useState, type FormEvent } from 'react';
import { api, seg } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useAction } from '../hooks.js';
import type { Game } from '../types.js';

/** Rename a game and set how long its players' sessions and refresh tokens live. */
export function SettingsPage({ game, onSaved }: { game: Game; onSaved: () => void }) {
  const [name, setName] = useState(game.name);
  const [sessionTtl, setSessionTtl] = useState(game.session_ttl_seconds);
  const [refreshTtl, setRefreshTtl] = useState(game.refresh_ttl_seconds);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    await api(`/games/${seg(game.id)}`, {
      method: 'PATCH',
      body: { name, session_ttl_seconds: sessionTtl, refresh_ttl_seconds: refreshTtl },
    });
    setSaved(true);
    onSaved();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };

  return (
    <>
      <h1>Settings</h1>
      <p className="muted">
        Game id <code>{game.id}</code>
      </p>
      <form className="card stack narrow" onSubmit={onSubmit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Session token lifetime (seconds)
          <input type="number" min={60} max={86400} value={sessionTtl} onChange={(e) => setSessionTtl(e.target.valueAsNumber)} required />
        </label>
        <label>
          Refresh token lifetime (seconds)
          <input
            type="number"
            min={3600}
            max={31536000}
            value={refreshTtl}
            onChange={(e) => setRefreshTtl(e.target.valueAsNumber)}
            required
          />
        </label>
        <ErrorNote error={save.error} />
        <div className="inline">
          <button type="submit" className="primary" disabled={save.pending}>
            Save
          </button>
          {saved && <span className="muted">Saved.</span>}
        </div>
      </form>
    </>
  );
}
