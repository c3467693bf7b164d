import { ErrorNote } from '../components/ErrorNote.js';
import { millis, when } from '../components/format.js';
import { useApi } from '../hooks.js';
import { link } from '../router.js';
import type { Lobby, ModeStats, RecentMatch } from '../types.js';

const POLL_MS = 5000;

/** Open lobbies, the matchmaking queue per game mode, and the latest matches; refreshed every few seconds. */
export function MatchmakingPage({ gameId }: { gameId: string }) {
  const lobbies = useApi<{ lobbies: Lobby[] }>('/lobbies?limit=50', { gameId, pollMs: POLL_MS });
  const stats = useApi<{ modes: ModeStats[] }>('/matchmaking/stats', { gameId, pollMs: POLL_MS });
  const matches = useApi<{ matches: RecentMatch[] }>('/matchmaking/matches?limit=20', { gameId, pollMs: POLL_MS });

  return (
    <>
      <h1>Lobbies & matchmaking</h1>

      <section className="card">
        <h2>Queues</h2>
        <ErrorNote error={stats.error} what="Queue statistics" />
        {stats.data?.modes.length === 0 && <p className="muted">Nobody has queued yet.</p>}
        {stats.data && stats.data.modes.length > 0 && (
          <table data-testid="queues">
            <thead>
              <tr>
                <th>Game mode</th>
                <th className="number">Queued now</th>
                <th className="number">Wait p50</th>
                <th className="number">Wait p95</th>
                <th className="number">Matches last hour</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.modes.map((mode) => (
                <tr key={mode.game_mode}>
                  <td>{mode.game_mode}</td>
                  <td className="number">{mode.queued}</td>
                  <td className="number">{millis(mode.wait_p50_ms)}</td>
                  <td className="number">{millis(mode.wait_p95_ms)}</td>
                  <td className="number">{mode.matches_last_hour}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>Recent matches</h2>
        <ErrorNote error={matches.error} what="The match history" />
        {matches.data?.matches.length === 0 && <p className="muted">No matches yet.</p>}
        {matches.data && matches.data.matches.length > 0 && (
          <table data-testid="matches">
            <thead>
              <tr>
                <th>When</th>
                <th>Mode</th>
                <th>Region</th>
                <th>Players</th>
                <th>World</th>
              </tr>
            </thead>
            <tbody>
              {matches.data.matches.map((match) => (
                <tr key={match.match_id}>
                  <td>{when(match.created_at)}</td>
                  <td>{match.game_mode}</td>
                  <td>{match.region}</td>
                  <td>
                    {match.players.map((player) => (
                      <a key={player} className="chip" href={link('games', gameId, 'players', player)}>
                        {player}
                      </a>
                    ))}
                  </td>
                  <td>{match.world_id ? <code>{match.world_id}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>Open lobbies</h2>
        <ErrorNote error={lobbies.error} />
        {lobbies.data?.lobbies.length === 0 && <p className="muted">No open public lobbies.</p>}
        {lobbies.data && lobbies.data.lobbies.length > 0 && (
          <table data-testid="lobbies">
            <thead>
              <tr>
                <th>Name</th>
                <th>Code</th>
                <th>Mode</th>
                <th className="number">Players</th>
                <th>State</th>
                <th>Opened</th>
              </tr>
            </thead>
            <tbody>
              {lobbies.data.lobbies.map((lobby) => (
                <tr key={lobby.lobby_id}>
                  <td>{lobby.name}</td>
                  <td>
                    <code>{lobby.code ?? '—'}</code>
                  </td>
                  <td>{lobby.game_mode}</td>
                  <td className="number">
                    {lobby.players.length} / {lobby.max_players}
                  </td>
                  <td>{lobby.locked ? 'locked' : lobby.status}</td>
                  <td>{when(lobby.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
