import { useEffect, useState } from 'react';
import { api, query, seg } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import { link } from '../router.js';
import type { InventoryItem, LedgerEntry, Player, PlayerSession } from '../types.js';
import { StorageEditor } from './StorageEditor.js';

/** One player: profile and ban, sessions, storage documents, wallet, inventory and ledger. */
export function PlayerPage({ gameId, playerId }: { gameId: string; playerId: string }) {
  const base = `/players/${seg(playerId)}`;
  const player = useApi<Player>(base, { gameId });
  const sessions = useApi<{ sessions: PlayerSession[] }>(`${base}/sessions`, { gameId });
  const ban = useAction(async (banned: boolean) => {
    await api(`${base}/${banned ? 'ban' : 'unban'}`, { method: 'POST', gameId });
    player.reload();
    sessions.reload();
  });

  return (
    <>
      <p>
        <a href={link('games', gameId, 'players')}>← Players</a>
      </p>
      <h1>
        Player <code data-testid="player-id">{playerId}</code>
      </h1>
      <ErrorNote error={player.error} />
      <div className="grid">
        {player.data && (
          <section className="card" data-testid="profile">
            <h2>Profile</h2>
            <dl>
              <dt>Username</dt>
              <dd>{player.data.username ?? '—'}</dd>
              <dt>Display name</dt>
              <dd>{player.data.display_name ?? '—'}</dd>
              <dt>Email</dt>
              <dd>{player.data.email ?? (player.data.anonymous ? 'anonymous (no email linked)' : '—')}</dd>
              <dt>Created</dt>
              <dd>{when(player.data.created_at)}</dd>
              <dt>Last seen</dt>
              <dd>{when(player.data.last_seen_at)}</dd>
              <dt>Status</dt>
              <dd data-testid="ban-status">{player.data.banned ? <span className="badge danger">banned</span> : 'active'}</dd>
            </dl>
            <button
              type="button"
              className={player.data.banned ? undefined : 'danger'}
              disabled={ban.pending}
              onClick={() => void ban.run(!player.data?.banned)}
            >
              {player.data.banned ? 'Unban' : 'Ban (ends its sessions)'}
            </button>
            <ErrorNote error={ban.error} />
          </section>
        )}
        <Wallet gameId={gameId} base={base} />
        <Inventory gameId={gameId} base={base} />
      </div>

      <section className="card">
        <h2>Sessions</h2>
        <ErrorNote error={sessions.error} />
        {sessions.data && sessions.data.sessions.length === 0 && <p className="muted">No sessions.</p>}
        {sessions.data && sessions.data.sessions.length > 0 && (
          <table data-testid="sessions">
            <thead>
              <tr>
                <th>Started</th>
                <th>Refreshed</th>
                <th>Expires</th>
                <th>Ended</th>
                <th>Client</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.sessions.map((session) => (
                <tr key={session.id}>
                  <td>{when(session.created_at)}</td>
                  <td>{when(session.refreshed_at)}</td>
                  <td>{when(session.expires_at)}</td>
                  <td>{session.revoked_at ? `${when(session.revoked_at)} (${session.revoked_reason ?? 'revoked'})` : '—'}</td>
                  <td className="muted">
                    {session.ip ?? ''} {session.user_agent ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <StorageEditor gameId={gameId} playerId={playerId} />
      <Ledger gameId={gameId} base={base} />
    </>
  );
}

function Wallet({ gameId, base }: { gameId: string; base: string }) {
  const wallet = useApi<{ balances: Record<string, number> }>(`${base}/wallet`, { gameId });
  const balances = Object.entries(wallet.data?.balances ?? {});
  return (
    <section className="card" data-testid="wallet">
      <h2>Wallet</h2>
      <ErrorNote error={wallet.error} what="The wallet" />
      {wallet.data && balances.length === 0 && <p className="muted">No currency yet.</p>}
      <dl>
        {balances.map(([currency, amount]) => (
          <div key={currency} className="pair">
            <dt>{currency}</dt>
            <dd className="number">{amount.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Inventory({ gameId, base }: { gameId: string; base: string }) {
  const inventory = useApi<{ items: InventoryItem[] }>(`${base}/inventory`, { gameId });
  return (
    <section className="card" data-testid="inventory">
      <h2>Inventory</h2>
      <ErrorNote error={inventory.error} what="The inventory" />
      {inventory.data && inventory.data.items.length === 0 && <p className="muted">No items.</p>}
      <dl>
        {inventory.data?.items.map((item) => (
          <div key={item.item_id} className="pair">
            <dt>{item.item_id}</dt>
            <dd className="number">× {item.quantity.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The ledger, newest first; "Load older" appends the next page. */
function Ledger({ gameId, base }: { gameId: string; base: string }) {
  const [entries, setEntries] = useState<LedgerEntry[]>();
  const [next, setNext] = useState<string | null>(null);
  const load = useAction(async (cursor?: string) => {
    const page = await api<{ entries: LedgerEntry[]; next_cursor: string | null }>(`${base}/ledger${query({ cursor, limit: 25 })}`, {
      gameId,
    });
    setEntries((shown = []) => (cursor ? [...shown, ...page.entries] : page.entries));
    setNext(page.next_cursor);
  });
  const { run } = load;
  useEffect(() => void run(), [run, base, gameId]);

  return (
    <section className="card" data-testid="ledger">
      <h2>Ledger</h2>
      <ErrorNote error={load.error} what="The ledger" />
      {entries?.length === 0 && <p className="muted">No transactions yet.</p>}
      {entries && entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Transaction</th>
              <th>Currency / item</th>
              <th className="number">Change</th>
              <th className="number">After</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{when(entry.created_at)}</td>
                <td>
                  <code>{entry.transaction_id}</code>
                </td>
                <td>{entry.type === 'currency' ? entry.currency : `item ${entry.item_id}`}</td>
                <td className={`number ${entry.delta < 0 ? 'negative' : 'positive'}`}>
                  {entry.delta > 0 ? `+${entry.delta}` : entry.delta}
                </td>
                <td className="number">{entry.balance_after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" disabled={load.pending} onClick={() => void run(next)}>
          Load older
        </button>
      )}
    </section>
  );
}
