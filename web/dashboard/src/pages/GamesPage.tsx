import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { Game } from '../types.js';

/** Your games, and a form for a new one (which opens it, to create its keys next). */
export function GamesPage() {
  const games = useApi<{ games: Game[] }>('/games');
  const [name, setName] = useState('');
  const create = useAction(async () => {
    const game = await api<Game>('/games', { method: 'POST', body: { name } });
    navigate('games', game.id, 'keys');
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <main className="page">
      <h1>Games</h1>
      <ErrorNote error={games.error} />
      {games.data && games.data.games.length === 0 && <p className="muted">No games yet: create your first one below.</p>}
      {games.data && games.data.games.length > 0 && (
        <table data-testid="games">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {games.data.games.map((game) => (
              <tr key={game.id}>
                <td>
                  <a href={link('games', game.id, 'keys')}>{game.name}</a>
                </td>
                <td>
                  <code>{game.id}</code>
                </td>
                <td>{when(game.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="card inline" onSubmit={onSubmit}>
        <label>
          Game name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="Space Raiders" />
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          Create game
        </button>
        <ErrorNote error={create.error} />
      </form>
    </main>
  );
}
