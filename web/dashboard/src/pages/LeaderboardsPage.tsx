import { useState, type FormEvent } from 'react';
import { api, query, seg } from '../api.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { Leaderboard, LeaderboardEntry, Operator, Season, SortOrder } from '../types.js';
import { Pager, usePages } from '../components/Pager.js';

/** The game's leaderboards; the selected one (`leaderboards/<id>`) opens beside the list. */
export function LeaderboardsPage({ gameId, selected }: { gameId: string; selected?: string }) {
  const pages = usePages();
  const list = useApi<{ leaderboards: Leaderboard[]; next_cursor: string | null }>(
    `/leaderboards${query({ cursor: pages.cursor, limit: 50 })}`,
    { gameId },
  );
  const [newId, setNewId] = useState('');
  const create = useAction(async () => {
    await api(`/leaderboards/${seg(newId)}`, { method: 'PUT', gameId, body: {} });
    list.reload();
    navigate('games', gameId, 'leaderboards', newId);
    setNewId('');
  });
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <>
      <h1>Leaderboards</h1>
      <div className="split">
        <section className="card list">
          <ErrorNote error={list.error} what="The leaderboard list" />
          {list.data?.leaderboards.length === 0 && <p className="muted">No leaderboards yet.</p>}
          <ul className="menu" data-testid="leaderboards">
            {list.data?.leaderboards.map((board) => (
              <li key={board.id}>
                <a href={link('games', gameId, 'leaderboards', board.id)} aria-current={board.id === selected ? 'page' : undefined}>
                  {board.id} <span className="muted">season {board.season}</span>
                </a>
              </li>
            ))}
          </ul>
          {(!pages.atFirst || list.data?.next_cursor) && <Pager pages={pages} next={list.data?.next_cursor} labels={['←', '→']} />}
          <form className="stack" onSubmit={onCreate}>
            <label>
              New leaderboard id
              <input value={newId} onChange={(e) => setNewId(e.target.value)} required placeholder="weekly-kills" />
            </label>
            <button type="submit" disabled={create.pending}>
              Create
            </button>
            <ErrorNote error={create.error} />
          </form>
        </section>
        {selected ? (
          <LeaderboardDetail key={selected} gameId={gameId} id={selected} onChanged={list.reload} />
        ) : (
          <p className="muted">Choose a leaderboard to see its ranking and settings.</p>
        )}
      </div>
    </>
  );
}

function LeaderboardDetail({ gameId, id, onChanged }: { gameId: string; id: string; onChanged: () => void }) {
  const base = `/leaderboards/${seg(id)}`;
  const config = useApi<Leaderboard>(`${base}/config`, { gameId });
  const seasons = useApi<{ seasons: Season[] }>(`${base}/seasons`, { gameId });
  const [season, setSeason] = useState<number>(); // undefined: the current one
  const [limit, setLimit] = useState(25);
  const entries = useApi<{ season: number; entries: LeaderboardEntry[] }>(`${base}${query({ limit, season })}`, { gameId });
  const reset = useAction(async () => {
    await api(`${base}/reset`, { method: 'POST', gameId });
    config.reload();
    seasons.reload();
    entries.reload();
    onChanged();
  });

  // Past seasons from the server when it lists them, else (an older server) every number below the current one.
  const current = config.data?.season ?? 1;
  const pastSeasons: { season: number; label?: string }[] =
    seasons.data?.seasons
      .filter((s) => !s.current)
      .map((s) => ({ season: s.season, label: `ended ${when(s.ended_at)}, ${s.entries} players` })) ??
    Array.from({ length: current - 1 }, (_, i) => ({ season: current - 1 - i }));

  return (
    <section className="detail">
      <h2>{id}</h2>
      <ErrorNote error={config.error} />
      {config.data && <ConfigForm gameId={gameId} board={config.data} onSaved={config.reload} />}

      <div className="card">
        <div className="inline toolbar">
          <h3>Ranking</h3>
          <label>
            Season
            <select
              value={season ?? ''}
              onChange={(e) => setSeason(e.target.value ? Number(e.target.value) : undefined)}
              data-testid="season"
            >
              <option value="">current ({current})</option>
              {pastSeasons.map((past) => (
                <option key={past.season} value={past.season}>
                  {past.season}
                  {past.label && ` — ${past.label}`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Top
            <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {[10, 25, 100].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <span className="spacer" />
          <ConfirmButton confirm="Archive this season and start the next" onConfirm={() => void reset.run()} disabled={reset.pending}>
            Reset now
          </ConfirmButton>
        </div>
        <ErrorNote error={entries.error ?? reset.error} />
        {entries.data && entries.data.entries.length === 0 && <p className="muted">No scores in season {entries.data.season}.</p>}
        {entries.data && entries.data.entries.length > 0 && (
          <table data-testid="entries">
            <thead>
              <tr>
                <th className="number">Rank</th>
                <th>Player</th>
                <th className="number">Score</th>
                <th className="number">Subscore</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.entries.map((entry) => (
                <tr key={entry.player_id}>
                  <td className="number">{entry.rank}</td>
                  <td>
                    <a href={link('games', gameId, 'players', entry.player_id)}>
                      <code>{entry.player_id}</code>
                    </a>
                  </td>
                  <td className="number">{entry.score.toLocaleString()}</td>
                  <td className="number">{entry.subscore.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** Sends only what changed: sort order and operator are refused (409) once a season has scores. */
function ConfigForm({ gameId, board, onSaved }: { gameId: string; board: Leaderboard; onSaved: () => void }) {
  const [sortOrder, setSortOrder] = useState<SortOrder>(board.sort_order);
  const [operator, setOperator] = useState<Operator>(board.operator);
  const [schedule, setSchedule] = useState(board.reset_schedule ?? '');
  const [authoritative, setAuthoritative] = useState(board.authoritative);
  const save = useAction(async () => {
    const changes: Record<string, unknown> = {};
    if (sortOrder !== board.sort_order) changes.sort_order = sortOrder;
    if (operator !== board.operator) changes.operator = operator;
    if (schedule.trim() !== (board.reset_schedule ?? '')) changes.reset_schedule = schedule.trim() || null;
    if (authoritative !== board.authoritative) changes.authoritative = authoritative;
    await api(`/leaderboards/${seg(board.id)}`, { method: 'PUT', gameId, body: changes });
    onSaved();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };

  return (
    <form className="card" onSubmit={onSubmit} data-testid="leaderboard-config">
      <div className="inline">
        <label>
          Sort
          <select value={sortOrder} onChange={(e) => setSortOrder(e.target.value as SortOrder)}>
            <option value="desc">higher first</option>
            <option value="asc">lower first</option>
          </select>
        </label>
        <label>
          Operator
          <select value={operator} onChange={(e) => setOperator(e.target.value as Operator)}>
            {(['best', 'set', 'increment', 'decrement'] as const).map((op) => (
              <option key={op}>{op}</option>
            ))}
          </select>
        </label>
        <label>
          Reset schedule
          <input value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="never (or daily, weekly, 0 0 * * 1)" />
        </label>
        <label className="check">
          <input type="checkbox" checked={authoritative} onChange={(e) => setAuthoritative(e.target.checked)} />
          Server-only scores
        </label>
        <button type="submit" className="primary" disabled={save.pending}>
          Save
        </button>
      </div>
      <p className="muted">
        Season {board.season} since {when(board.season_started_at)}
        {board.next_reset_at ? `; next reset ${when(board.next_reset_at)}` : '; no scheduled reset'}.
      </p>
      <ErrorNote error={save.error} />
    </form>
  );
}
