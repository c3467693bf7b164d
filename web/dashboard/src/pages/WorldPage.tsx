import { useEffect } from 'react';
import { api, seg } from '../api.js';
import { LineChart } from '../components/Charts.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { micros } from '../components/format.js';
import { PlayDemo } from '../components/PlayDemo.js';
import { WorldMap } from '../components/WorldMap.js';
import { useAction, useApi, useHistory } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { World } from '../types.js';

const SAMPLES = 60; // a minute of one-second polls

/** One world, live: its numbers every second with the last minute charted, and its entity map. */
export function WorldPage({ gameId, name }: { gameId: string; name: string }) {
  const world = useApi<World>(`/worlds/${seg(name)}`, { gameId, pollMs: 1000 });
  const [samples, push] = useHistory<World>(SAMPLES);
  useEffect(() => {
    if (world.data) push(world.data);
  }, [world.data, push]);
  const stop = useAction(async () => {
    await api(`/worlds/${seg(name)}`, { method: 'DELETE', gameId });
    navigate('games', gameId, 'worlds');
  });

  return (
    <>
      <p>
        <a href={link('games', gameId, 'worlds')}>← Worlds</a>
      </p>
      <div className="inline">
        <h1>
          World <code>{name}</code>
        </h1>
        <span className="spacer" />
        <ConfirmButton confirm="Stop now" onConfirm={() => void stop.run()}>
          Stop world
        </ConfirmButton>
      </div>
      <ErrorNote error={world.error ?? stop.error} />
      {world.data && (
        <>
          <dl className="stats" data-testid="world-stats">
            <Stat label="Players" value={`${world.data.players} / ${world.data.max_players}`} />
            <Stat label="Tick" value={world.data.tick.toLocaleString()} />
            <Stat label="Entities" value={world.data.entities.toLocaleString()} />
            <Stat label="Avg tick" value={micros(world.data.avg_tick_us)} />
            <Stat label="p99 tick" value={micros(world.data.p99_tick_us)} />
            <Stat label="Overruns" value={world.data.overruns.toLocaleString()} />
            <Stat label="Rate" value={`${world.data.tick_rate} Hz`} />
            <Stat label="Module" value={world.data.module} />
          </dl>
          <PlayDemo gameId={gameId} world={name} />
          <div className="grid wide">
            <WorldMap gameId={gameId} name={name} />
            <div>
              <LineChart
                title="Players"
                capacity={SAMPLES}
                series={[{ label: 'players', color: 'var(--accent)', values: samples.map((s) => s.players) }]}
              />
              <LineChart
                title="Tick time"
                capacity={SAMPLES}
                format={micros}
                series={[
                  { label: 'avg', color: 'var(--accent)', values: samples.map((s) => s.avg_tick_us) },
                  { label: 'p99', color: 'var(--warn)', values: samples.map((s) => s.p99_tick_us) },
                ]}
              />
            </div>
          </div>
        </>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
