import { useState, type FormEvent } from 'react';
import { api, seg } from '../api.js';
import { clientKeys } from '../clientKeys.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import type { ApiKey, KeyKind } from '../types.js';

/**
 * A game's API keys. The platform keeps only a hash, so the whole key is in the create answer and
 * nowhere else: it is shown here once, until dismissed.
 */
export function KeysPage({ gameId }: { gameId: string }) {
  const path = `/games/${seg(gameId)}/keys`;
  const keys = useApi<{ keys: ApiKey[] }>(path);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<KeyKind>('server');
  const [created, setCreated] = useState<ApiKey & { key: string }>();

  const create = useAction(async () => {
    const key = await api<ApiKey & { key: string }>(path, { method: 'POST', body: { name, kind } });
    if (key.kind === 'client') clientKeys.remember(gameId, key.key);
    setCreated(key);
    setName('');
    keys.reload();
  });
  const revoke = useAction(async (key: ApiKey) => {
    await api(`${path}/${seg(key.id)}`, { method: 'DELETE' });
    clientKeys.forgetRevoked(gameId, key.prefix);
    keys.reload();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        A <b>server key</b> (<code>sp_sk_…</code>) is for your game server: it can do everything in this game. A <b>client key</b> (
        <code>sp_ck_…</code>) ships inside the game client and can only sign players in.
      </p>

      {created && (
        <div className="card highlight" data-testid="new-key" role="status">
          <p>
            <b>
              New {created.kind} key “{created.name}”.
            </b>{' '}
            Copy it now: you won't see it again.
          </p>
          <div className="inline">
            <code className="secret" data-testid="new-key-value">
              {created.key}
            </code>
            <CopyButton text={created.key} />
            <button type="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      )}

      <form className="card inline" onSubmit={onSubmit}>
        <label>
          Key name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="game server" />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as KeyKind)}>
            <option value="server">server</option>
            <option value="client">client</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          Create key
        </button>
      </form>
      <ErrorNote error={create.error ?? revoke.error ?? keys.error} />

      {keys.data && (
        <table data-testid="keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.id} data-testid="key-row" data-key-name={key.name} className={key.revoked_at ? 'revoked' : undefined}>
                <td>{key.name}</td>
                <td>
                  <span className={`badge ${key.kind}`}>{key.kind}</span>
                </td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{when(key.created_at)}</td>
                <td>{when(key.last_used_at)}</td>
                <td>
                  {key.revoked_at ? (
                    <span className="muted" data-testid="revoked">
                      revoked {when(key.revoked_at)}
                    </span>
                  ) : (
                    <ConfirmButton testId="revoke" confirm="Revoke now" onConfirm={() => void revoke.run(key)}>
                      Revoke
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
