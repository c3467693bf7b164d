import { useState } from 'react';
import { query, seg } from '../api.js';
import { LineChart } from '../components/Charts.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useApi } from '../hooks.js';
import type { UsagePoint } from '../types.js';

const sum = (points: UsagePoint[], field: 'requests' | 'client_errors' | 'server_errors') =>
  points.reduce((total, point) => total + point[field], 0);
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
          <p data-testid="usage-totals">
            In this window: <b>{sum(points, 'requests').toLocaleString()}</b> requests,{' '}
            <b>{sum(points, 'client_errors').toLocaleString()}</b> client errors (4xx),{' '}
            <b>{sum(points, 'server_errors').toLocaleString()}</b> server errors (5xx), at most{' '}
            <b>{Math.max(0, ...points.map((p) => p.connected_players)).toLocaleString()}</b> players connected at once.{' '}
            <span className="muted">One point per {usage.data.interval_seconds} s.</span>
          </p>
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
