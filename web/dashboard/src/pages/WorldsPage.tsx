import { useEffect, useState, type FormEvent } from 'react';
import { api, seg } from '../api.js';
import { Sparkline } from '../components/Charts.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { micros } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { World } from '../types.js';

const HISTORY = 60; // polls, every 2 s: two minutes

/** Running worlds with their live numbers (players and tick time drawn over the last two minutes), and a form to start one. */
export function WorldsPage({ gameId }: { gameId: string }) {
  const worlds = useApi<{ worlds: World[] }>('/worlds', { gameId, pollMs: 2000 });
  const history = useWorldHistory(worlds.data?.worlds);
  const stop = useAction(async (name: string) => {
    await api(`/worlds/${seg(name)}`, { method: 'DELETE', gameId });
    worlds.reload();
  });

  return (
    <>
      <h1>Worlds</h1>
      <ErrorNote error={worlds.error ?? stop.error} what="Hosted worlds" />
      {worlds.data?.worlds.length === 0 && <p className="muted">No world is running.</p>}
      {worlds.data && worlds.data.worlds.length > 0 && (
        <table data-testid="worlds">
          <thead>
            <tr>
              <th>Name</th>
              <th>Module</th>
              <th className="number">Players</th>
              <th>last 2 min</th>
              <th className="number">Tick</th>
              <th className="number">Entities</th>
              <th className="number">Avg tick</th>
              <th className="number">p99 tick</th>
              <th>avg, last 2 min</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {worlds.data.worlds.map((world) => (
              <tr key={world.name} data-testid="world-row">
                <td>
                  <a href={link('games', gameId, 'worlds', world.name)}>{world.name}</a>
                  {world.status === 'starting' && <span className="badge">starting</span>}
                </td>
                <td>{world.module}</td>
                <td className="number">
                  {world.players} / {world.max_players}
                </td>
                <td>
                  <Sparkline label={`${world.name} players`} capacity={HISTORY} values={history[world.name]?.players ?? []} />
                </td>
                <td className="number">{world.tick.toLocaleString()}</td>
                <td className="number">{world.entities.toLocaleString()}</td>
                <td className="number">{micros(world.avg_tick_us)}</td>
                <td className="number">{micros(world.p99_tick_us)}</td>
                <td>
                  <Sparkline
                    label={`${world.name} tick time`}
                    capacity={HISTORY}
                    color="var(--warn)"
                    values={history[world.name]?.tickUs ?? []}
                  />
                </td>
                <td>
                  <ConfirmButton confirm="Stop now" onConfirm={() => void stop.run(world.name)}>
                    Stop
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateWorld gameId={gameId} />
    </>
  );
}

/** Per world, the player counts and average tick times of the last HISTORY polls. */
function useWorldHistory(worlds: World[] | undefined) {
  const [history, setHistory] = useState<Record<string, { players: number[]; tickUs: number[] }>>({});
  useEffect(() => {
    if (!worlds) return;
    setHistory((previous) =>
      Object.fromEntries(
        worlds.map((world) => {
          const before = previous[world.name] ?? { players: [], tickUs: [] };
          return [
            world.name,
            { players: [...before.players, world.players].slice(-HISTORY), tickUs: [...before.tickUs, world.avg_tick_us].slice(-HISTORY) },
          ];
        }),
      ),
    );
  }, [worlds]);
  return history;
}

function CreateWorld({ gameId }: { gameId: string }) {
  // Small and with bots by default, so that the demo's players meet (they spawn at random spots,
  // and see what lies within the area-of-interest radius, 100 units by default).
  const [form, setForm] = useState({ name: '', max_players: 100, world_size: 300, tick_rate: 20, bots: 10 });
  const create = useAction(async () => {
    const { bots, ...settings } = form;
    const world = await api<World>('/worlds', { method: 'POST', gameId, body: { ...settings, module_options: { bots } } });
    navigate('games', gameId, 'worlds', world.name);
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const number = (field: 'max_players' | 'world_size' | 'tick_rate' | 'bots') => ({
    type: 'number',
    value: form[field],
    onChange: (e: { target: { valueAsNumber: number } }) => setForm({ ...form, [field]: e.target.valueAsNumber }),
    required: true,
  });

  return (
    <form className="card inline" onSubmit={onSubmit}>
      <label>
        World name
        <input
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          required
          pattern="[A-Za-z0-9_.@\-]{1,64}"
          placeholder="arena-1"
        />
      </label>
      <label>
        Max players
        <input {...number('max_players')} min={1} max={10000} />
      </label>
      <label>
        World size
        <input {...number('world_size')} min={100} max={1000000} />
      </label>
      <label>
        Tick rate
        <input {...number('tick_rate')} min={1} max={10000} />
      </label>
      <label>
        Bots
        <input {...number('bots')} min={0} max={1000} />
      </label>
      <button type="submit" className="primary" disabled={create.pending}>
        Start world
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}
