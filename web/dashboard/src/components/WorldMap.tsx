import { useEffect, useRef } from 'react';
import { seg } from '../api.js';
import { useApi } from '../hooks.js';
import type { WorldEntities } from '../types.js';
import { ErrorNote } from './ErrorNote.js';

const SIZE = 480;
const PALETTE = ['#e8a33d', '#5aa9e6', '#9b7ede', '#e05d5d', '#62c370', '#d67ab1'];

/** A colour per entity kind that stays the same between polls; players always stand out. */
function colour(kind: string, isPlayer: boolean): string {
  if (isPlayer) return '#2bd9a0';
  let hash = 0;
  for (const char of kind) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}

/** A live top-down view of a world: every entity the server reports, redrawn once a second. */
export function WorldMap({ gameId, name }: { gameId: string; name: string }) {
  const snapshot = useApi<WorldEntities>(`/worlds/${seg(name)}/entities`, { gameId, pollMs: 1000 });
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !snapshot.data) return;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = '#10151c';
    context.fillRect(0, 0, SIZE, SIZE);
    context.strokeStyle = '#1f2a36';
    for (let line = 1; line < 8; line++) {
      const at = (line * SIZE) / 8;
      context.beginPath();
      context.moveTo(at, 0);
      context.lineTo(at, SIZE);
      context.moveTo(0, at);
      context.lineTo(SIZE, at);
      context.stroke();
    }
    const scale = SIZE / snapshot.data.world_size;
    for (const entity of snapshot.data.entities) {
      const isPlayer = entity.player_id !== null;
      context.fillStyle = colour(entity.kind, isPlayer);
      context.beginPath();
      context.arc(entity.x * scale, entity.y * scale, isPlayer ? 4 : 2.5, 0, Math.PI * 2);
      context.fill();
    }
  }, [snapshot.data]);

  const kinds = new Map<string, { count: number; isPlayer: boolean }>();
  for (const entity of snapshot.data?.entities ?? []) {
    const label = entity.player_id !== null ? 'player' : entity.kind;
    const seen = kinds.get(label) ?? { count: 0, isPlayer: entity.player_id !== null };
    kinds.set(label, { ...seen, count: seen.count + 1 });
  }

  return (
    <figure className="map" data-testid="world-map">
      <canvas
        ref={canvas}
        width={SIZE * (window.devicePixelRatio || 1)}
        height={SIZE * (window.devicePixelRatio || 1)}
        style={{ width: SIZE, height: SIZE }}
      />
      <ErrorNote error={snapshot.error} what="The entity map" />
      {snapshot.data && (
        <figcaption>
          tick {snapshot.data.tick} · {snapshot.data.entities.length} entities
          {snapshot.data.truncated && ` shown of ${snapshot.data.total}`}
          {[...kinds].map(([kind, { count, isPlayer }]) => (
            <span key={kind} className="legend">
              <i style={{ background: colour(kind, isPlayer) }} /> {kind} {count}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
