import { seg } from '../api.js';
import { useApi } from '../hooks.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { link } from '../router.js';
import type { Game } from '../types.js';
import { ChatPage } from './ChatPage.js';
import { KeysPage } from './KeysPage.js';
import { LeaderboardsPage } from './LeaderboardsPage.js';
import { MatchmakingPage } from './MatchmakingPage.js';
import { PlayerPage } from './PlayerPage.js';
import { PlayersPage } from './PlayersPage.js';
import { SettingsPage } from './SettingsPage.js';
import { UsagePage } from './UsagePage.js';
import { WorldPage } from './WorldPage.js';
import { WorldsPage } from './WorldsPage.js';

const SECTIONS = [
  ['keys', 'API keys'],
  ['players', 'Players'],
  ['leaderboards', 'Leaderboards'],
  ['matchmaking', 'Lobbies & matchmaking'],
  ['worlds', 'Worlds'],
  ['chat', 'Chat moderation'],
  ['usage', 'Usage'],
  ['settings', 'Settings'],
] as const;

/** One game: a left nav of its sections, and the open section. `route` is the path after `games/<id>`. */
export function GameLayout({ gameId, route }: { gameId: string; route: string[] }) {
  const game = useApi<Game>(`/games/${seg(gameId)}`);
  const [section = 'keys', item] = route;

  return (
    <div className="game">
      <nav className="sidenav" aria-label="Game sections">
        <a className="back" href={link('games')}>
          ← All games
        </a>
        <h2 data-testid="game-name">{game.data?.name ?? '…'}</h2>
        {SECTIONS.map(([id, label]) => (
          <a key={id} href={link('games', gameId, id)} aria-current={section === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <main className="page">
        <ErrorNote error={game.error} />
        {game.data && <Section gameId={gameId} section={section} item={item} game={game.data} onGameChanged={game.reload} />}
      </main>
    </div>
  );
}

function Section({
  gameId,
  section,
  item,
  game,
  onGameChanged,
}: {
  gameId: string;
  section: string;
  item?: string;
  game: Game;
  onGameChanged: () => void;
}) {
  switch (section) {
    case 'players':
      return item ? <PlayerPage gameId={gameId} playerId={item} /> : <PlayersPage gameId={gameId} />;
    case 'leaderboards':
      return <LeaderboardsPage gameId={gameId} selected={item} />;
    case 'matchmaking':
      return <MatchmakingPage gameId={gameId} />;
    case 'worlds':
      return item ? <WorldPage gameId={gameId} name={item} /> : <WorldsPage gameId={gameId} />;
    case 'chat':
      return <ChatPage gameId={gameId} channel={item} />;
    case 'usage':
      return <UsagePage gameId={gameId} />;
    case 'settings':
      return <SettingsPage game={game} onSaved={onGameChanged} />;
    default:
      return <KeysPage gameId={gameId} />;
  }
}
