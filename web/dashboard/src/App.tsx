import { useEffect, useState } from 'react';
import { developerToken, whenSignedOut } from './api.js';
import { clientKeys } from './clientKeys.js';
import { useApi } from './hooks.js';
import { AuthPage } from './pages/AuthPage.js';
import { GameLayout } from './pages/GameLayout.js';
import { GamesPage } from './pages/GamesPage.js';
import { link, navigate, useRoute } from './router.js';
import type { Developer } from './types.js';

/** The log-in page until a developer token is stored, then the signed-in dashboard. */
export function App() {
  const [signedIn, setSignedIn] = useState(() => developerToken.get() !== null);
  useEffect(() => whenSignedOut(() => setSignedIn(false)), []);

  if (!signedIn) {
    return (
      <AuthPage
        onSignedIn={(token) => {
          developerToken.set(token);
          setSignedIn(true);
          // Back where the developer was when the session ended, else to their games.
          if (!window.location.hash.startsWith('#/games')) navigate('games');
        }}
      />
    );
  }
  return (
    <SignedIn
      onLogOut={() => {
        developerToken.clear();
        clientKeys.forgetAll();
        setSignedIn(false);
        navigate('login');
      }}
    />
  );
}

function SignedIn({ onLogOut }: { onLogOut: () => void }) {
  const route = useRoute();
  const me = useApi<Developer>('/developers/me');
  const [section, gameId, ...rest] = route;

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={link('games')}>
          Spawnpoint
        </a>
        <span className="spacer" />
        {me.data && (
          <span className="muted" data-testid="developer">
            {me.data.name} · {me.data.email}
          </span>
        )}
        <button type="button" onClick={onLogOut}>
          Log out
        </button>
      </header>
      {section === 'games' && gameId ? <GameLayout key={gameId} gameId={gameId} route={rest} /> : <GamesPage />}
    </div>
  );
}
