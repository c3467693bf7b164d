import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useAction } from '../hooks.js';

type Mode = 'login' | 'signup';

/** Log in, or create a developer account; both answer a developer token. */
export function AuthPage({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [mode, setMode] = useState<Mode>(window.location.hash.includes('signup') ? 'signup' : 'login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const submit = useAction(async () => {
    const body = mode === 'signup' ? { email, password, name } : { email, password };
    const { token } = await api<{ token: string }>(`/developers/${mode}`, { method: 'POST', body });
    onSignedIn(token);
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.run();
  };

  return (
    <main className="auth">
      <h1>Spawnpoint</h1>
      <p className="muted">The developer dashboard: your games, keys, players and live worlds.</p>
      <div className="tabs" role="tablist">
        {(['login', 'signup'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={mode === tab}
            onClick={() => {
              setMode(tab);
              submit.clearError();
            }}
          >
            {tab === 'login' ? 'Log in' : 'Sign up'}
          </button>
        ))}
      </div>
      <form className="card stack" onSubmit={onSubmit}>
        {mode === 'signup' && (
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          />
        </label>
        <ErrorNote error={submit.error} />
        <button type="submit" className="primary" disabled={submit.pending}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
    </main>
  );
}
