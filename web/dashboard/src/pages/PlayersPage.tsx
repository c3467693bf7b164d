import { useEffect, useState } from 'react';
import { query } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useApi } from '../hooks.js';
import { link } from '../router.js';
import type { Player } from '../types.js';
import { Pager, usePages } from '../components/Pager.js';

const PAGE_SIZE = 50;

/** The game's players by id, searchable by id or username prefix, one page at a time. */
export function PlayersPage({ gameId }: { gameId: string }) {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const pages = usePages();
  const players = useApi<{ players: Player[]; next_cursor: string | null }>(
    `/players${query({ query: search, cursor: pages.cursor, limit: PAGE_SIZE })}`,
    {
      gameId,
    },
  );

  // Search as the developer types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(typed.trim());
      pages.reset();
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);

  return (
    <>
      <h1>Players</h1>
      <div className="inline toolbar">
        <label>
          Search
          <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="id or username prefix" />
        </label>
        <button type="button" onClick={players.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={players.error} what="The player list" />
      {players.data && (
        <>
          <table data-testid="players">
            <thead>
              <tr>
                <th>Id</th>
                <th>Username</th>
                <th>Display name</th>
                <th>Account</th>
                <th>Created</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {players.data.players.map((player) => (
                <tr key={player.id} data-testid="player-row">
                  <td>
                    <a href={link('games', gameId, 'players', player.id)}>
                      <code>{player.id}</code>
                    </a>
                    {player.banned && <span className="badge danger">banned</span>}
                  </td>
                  <td>{player.username ?? '—'}</td>
                  <td>{player.display_name ?? '—'}</td>
                  <td>{player.email ?? (player.anonymous ? 'anonymous' : '—')}</td>
                  <td>{when(player.created_at)}</td>
                  <td>{when(player.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {players.data.players.length === 0 && (
            <p className="muted">{search ? `No player id or username starts with “${search}”.` : 'No players yet.'}</p>
          )}
          <Pager pages={pages} next={players.data.next_cursor} />
        </>
      )}
    </>
  );
}
