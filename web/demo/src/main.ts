// The arena demo: /demo/?key=<client key>&world=<world name>[&board=<leaderboard>][&device=<device id>].
// Without key and world it shows a form that fills them in.
import { startGame } from './game.js';

const params = new URLSearchParams(location.search);
const key = params.get('key');
const world = params.get('world');

if (key && world) {
  document.getElementById('game')!.hidden = false;
  startGame({ key, world, board: params.get('board') || 'demo', device: params.get('device') ?? storedDevice() }).catch(
    (error: unknown) => {
      document.getElementById('status')!.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
    },
  );
} else {
  const form = document.getElementById('setup') as HTMLFormElement;
  form.hidden = false;
  for (const name of ['key', 'world', 'board']) (form.elements.namedItem(name) as HTMLInputElement).value = params.get(name) ?? '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value.trim()) chosen.set(name, value.trim());
    location.search = chosen.toString();
  });
}

/** One device id per browser, so a reload signs the same player in again. */
function storedDevice(): string {
  const saved = localStorage.getItem('spawnpoint-demo-device');
  if (saved) return saved;
  // getRandomValues, not randomUUID: the latter exists only on https and localhost, and the demo may be opened over plain http.
  const device = `demo-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  localStorage.setItem('spawnpoint-demo-device', device);
  return device;
}
