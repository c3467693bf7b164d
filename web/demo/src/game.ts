import { Spawnpoint, SpawnpointError, unwrap, type ChatMessagePayload, type RealtimeClient, type WorldSession } from '@spawnpoint/sdk';
import { drawArena } from './render.js';

export interface GameOptions {
  key: string;
  world: string;
  board: string;
  device: string;
}

/** What the browser tests read (never written to from outside). */
export interface DemoDebug {
  playerId: string | null;
  entityId: number | null;
  connected: boolean;
  /** Every entity in view, at the position the server last reported. */
  entities(): { id: number; x: number; y: number }[];
}

declare global {
  interface Window {
    __spawnpointDemo?: DemoDebug;
  }
}

const INPUT_INTERVAL_MS = 50;
const ATTACK = 1;
const KEYS: Record<string, [number, number]> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

export async function startGame(options: GameOptions): Promise<void> {
  const status = document.getElementById('status')!;
  const sp = new Spawnpoint({ url: location.origin, apiKey: options.key });
  status.textContent = 'Signing in…';
  await sp.loginDevice(options.device);
  const rt = await sp.connect();
  status.textContent = `Joining ${options.world}…`;
  const world = await rt.joinWorld(options.world, { inputIntervalMs: INPUT_INTERVAL_MS });
  status.textContent = `Playing in ${options.world} as ${sp.playerId}`;

  window.__spawnpointDemo = {
    playerId: sp.playerId,
    entityId: world.info.entity,
    get connected() {
      return rt.connected;
    },
    entities: () => [...world.mirror.entities.values()].map(({ id, x, y }) => ({ id, x, y })),
  };

  playInput(world);
  const canvas = document.getElementById('arena') as HTMLCanvasElement;
  const playing = status.textContent;
  const frame = () => {
    drawArena(canvas, world);
    // The SDK reconnects and resumes by itself; the player only needs to know it is happening.
    const shown = rt.closedWith ? `Disconnected: ${rt.closedWith.code}` : rt.connected ? playing : 'Reconnecting…';
    if (status.textContent !== shown) status.textContent = shown;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  await Promise.all([leaderboard(sp, rt, world, options.board), chat(rt)]);
}

/** Keyboard → one input every 50 ms, also while idle (the prediction counts on a steady rate). */
function playInput(world: WorldSession): void {
  const held = new Set<string>();
  addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement) return;
    if (event.code in KEYS || event.code === 'Space') event.preventDefault();
    held.add(event.code);
  });
  addEventListener('keyup', (event) => held.delete(event.code));
  addEventListener('blur', () => held.clear());
  setInterval(() => {
    let x = 0;
    let y = 0;
    for (const code of held) {
      const [dx, dy] = KEYS[code] ?? [0, 0];
      x += dx;
      y += dy;
    }
    world.input(x, y, held.has('Space') ? ATTACK : undefined);
  }, INPUT_INTERVAL_MS);
}

/** The board's top ten, live: the page submits this session's kills (arena `entity_died` by the player's entity). */
async function leaderboard(sp: Spawnpoint, rt: RealtimeClient, world: WorldSession, board: string): Promise<void> {
  const list = document.getElementById('leaderboard')!;
  document.getElementById('board-name')!.textContent = `(${board})`;
  const refresh = async () => {
    try {
      const page = unwrap(
        await sp.rest.GET('/leaderboards/{leaderboardId}', { params: { path: { leaderboardId: board }, query: { limit: 10 } } }),
      );
      list.replaceChildren(
        ...page.entries.map((entry) => {
          const item = document.createElement('li');
          item.textContent = `${entry.player_id} — ${entry.score}`;
          if (entry.player_id === sp.playerId) item.className = 'me';
          return item;
        }),
      );
      if (page.entries.length === 0) list.textContent = 'No scores yet: attack (space) a bot or a player.';
    } catch (error) {
      const code = error instanceof SpawnpointError ? error.code : String(error);
      list.textContent =
        code === 'not_found'
          ? `No leaderboard "${board}" yet: a game server creates it (PUT /leaderboards/${board} with the server key).`
          : `Leaderboard unavailable (${code}).`;
    }
  };
  let kills = 0;
  rt.on('entity_died', (event) => {
    if (event.by !== world.info.entity || event.entity === world.info.entity) return;
    kills++;
    sp.rest
      .POST('/leaderboards/{leaderboardId}/scores', {
        params: { path: { leaderboardId: board } },
        body: { player_id: sp.playerId!, score: kills },
      })
      .then(unwrap)
      .catch((error: unknown) => console.warn('score not submitted', error));
  });
  rt.on('leaderboard_updated', () => void refresh());
  await rt.request('leaderboard_subscribe', { leaderboard_id: board });
  await refresh();
}

/** The game's global chat channel over the socket: recent history, then live messages. */
async function chat(rt: RealtimeClient): Promise<void> {
  const list = document.getElementById('chat')!;
  const form = document.getElementById('chat-form') as HTMLFormElement;
  const show = (message: ChatMessagePayload) => {
    if (message.channel !== 'global' || message.deleted) return;
    const item = document.createElement('li');
    const sender = document.createElement('b');
    sender.textContent = `${message.sender_id ?? 'system'}: `;
    item.append(sender, message.content ?? '');
    list.append(item);
    list.scrollTop = list.scrollHeight;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = form.elements.namedItem('message') as HTMLInputElement;
    const content = input.value.trim();
    if (!content) return;
    input.value = '';
    rt.request('chat_send', { channel: 'global', content }).catch((error: unknown) => {
      const item = document.createElement('li');
      item.textContent = `(not sent: ${error instanceof SpawnpointError ? error.code : String(error)})`;
      list.append(item);
    });
  });
  rt.on('chat_message', show);
  const history = await rt.request('chat_history', { channel: 'global', limit: 20 });
  history.messages.reverse().forEach(show);
}
