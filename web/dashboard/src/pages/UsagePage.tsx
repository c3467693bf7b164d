import { useState } from 'react';
import { query, seg } from '../api.js';
import { LineChart } from '../components/Charts.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useApi } from '../hooks.js';
import type { UsagePoint } from '../types.js';

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Requests, errors and connected players of the game over the last hour(s), refreshed every 10 seconds. */
export function UsagePage({ gameId }: { gameId: string }) {
  const [minutes, setMinutes] = useState(60);
  const usage = useApi<{ interval_seconds: number; points: UsagePoint[] }>(`/games/${seg(gameId)}/usage${query({ minutes })}`, {
    pollMs: 10_000,
  });
  const points = usage.data?.points ?? [];
  const labels: [string, string] | undefined = points.length > 0 ? [time(points[0].at), time(points.at(-1)!.at)] : undefined;

  return (
    <>
      <div className="inline toolbar">
        <h1>Usage</h1>
        <span className="spacer" />
        <label>
          Window
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            <option value={60}>last hour</option>
            <option value={360}>last 6 hours</option>
            <option value={1440}>last 24 hours</option>
          </select>
        </label>
      </div>
      <ErrorNote error={usage.error} what="Usage history" />
      {usage.data && (
        <>
          <p className="muted">One point per {usage.data.interval_seconds} s.</p>
          <div className="charts">
            <LineChart
              title="Requests"
              labels={labels}
              series={[{ label: 'requests', color: 'var(--accent)', values: points.map((p) => p.requests) }]}
            />
            <LineChart
              title="Errors"
              labels={labels}
              series={[
                { label: '4xx', color: 'var(--warn)', values: points.map((p) => p.client_errors) },
                { label: '5xx', color: 'var(--danger)', values: points.map((p) => p.server_errors) },
              ]}
            />
            <LineChart
              title="Connected players"
              labels={labels}
              series={[{ label: 'players', color: '#9b7ede', values: points.map((p) => p.connected_players) }]}
            />
          </div>
        </>
      )}
    </>
  );
}
