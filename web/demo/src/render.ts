import type { WorldSession } from '@spawnpoint/sdk';

/** Canvas pixels per world unit. */
const ZOOM = 14;
const PLAYER = 1;
const DEAD = 1;
const COLOURS = { own: '#fbbf24', player: '#34d399', bot: '#94a3b8' };

/** One frame: the camera follows the player's own entity; others are drawn where the SDK interpolates them. */
export function drawArena(canvas: HTMLCanvasElement, world: WorldSession): void {
  const ratio = devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const entities = world.entities();
  const own = entities.find((e) => e.own);
  const cx = own?.x ?? world.info.world_size / 2;
  const cy = own?.y ?? world.info.world_size / 2;
  const toScreen = (x: number, y: number): [number, number] => [width / 2 + (x - cx) * ZOOM, height / 2 + (y - cy) * ZOOM];

  // The floor: a 10-unit grid inside the world's border.
  const size = world.info.world_size;
  g.strokeStyle = '#1c2331';
  g.lineWidth = 1;
  for (let v = 0; v <= size; v += 10) {
    const [x0, y0] = toScreen(v, 0);
    const [x1, y1] = toScreen(v, size);
    const [x2, y2] = toScreen(0, v);
    const [x3, y3] = toScreen(size, v);
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.moveTo(x2, y2);
    g.lineTo(x3, y3);
    g.stroke();
  }
  g.strokeStyle = '#475569';
  g.strokeRect(...toScreen(0, 0), size * ZOOM, size * ZOOM);

  for (const e of entities) {
    const [x, y] = toScreen(e.x, e.y);
    g.globalAlpha = e.flags & DEAD ? 0.3 : 1;
    g.fillStyle = e.own ? COLOURS.own : e.kind === PLAYER ? COLOURS.player : COLOURS.bot;
    g.beginPath();
    g.arc(x, y, 0.5 * ZOOM, 0, Math.PI * 2);
    g.fill();
    // Health bar above the entity.
    g.fillStyle = '#ef4444';
    g.fillRect(x - ZOOM / 2, y - ZOOM, ZOOM * Math.max(0, Math.min(1, e.hp / 100)), 3);
    if (e.own) {
      g.fillStyle = COLOURS.own;
      g.font = '12px system-ui, sans-serif';
      g.textAlign = 'center';
      g.fillText('you', x, y + ZOOM * 1.3);
    }
  }
  g.globalAlpha = 1;
}
