import { useState, type FormEvent } from 'react';
import { api, query, seg } from '../api.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { ChatChannel, ChatMessage, ChatMute } from '../types.js';
import { Pager, usePages } from '../components/Pager.js';

/** Chat moderation: read a channel (`chat/<channel>`), delete messages, mute and unmute players. */
export function ChatPage({ gameId, channel }: { gameId: string; channel?: string }) {
  const channels = useApi<{ channels: ChatChannel[] }>('/chat/channels', { gameId, pollMs: 10_000 });
  const [typed, setTyped] = useState('');

  return (
    <>
      <h1>Chat moderation</h1>
      <div className="split">
        <section className="card list">
          <h2>Channels</h2>
          <ErrorNote error={channels.error} what="The channel list" />
          {channels.data?.channels.length === 0 && <p className="muted">No messages in any channel yet.</p>}
          <ul className="menu" data-testid="channels">
            {channels.data?.channels.map((c) => (
              <li key={c.channel}>
                <a href={link('games', gameId, 'chat', c.channel)} aria-current={c.channel === channel ? 'page' : undefined}>
                  {c.channel} <span className="muted">{c.messages}</span>
                </a>
              </li>
            ))}
          </ul>
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              navigate('games', gameId, 'chat', typed.trim());
            }}
          >
            <label>
              Open a channel by name
              <input value={typed} onChange={(e) => setTyped(e.target.value)} required placeholder="global" />
            </label>
            <button type="submit">Open</button>
          </form>
        </section>
        <div className="detail">
          {channel ? <Channel key={channel} gameId={gameId} channel={channel} /> : <p className="muted">Choose a channel to read it.</p>}
          <Mutes gameId={gameId} />
        </div>
      </div>
    </>
  );
}

function Channel({ gameId, channel }: { gameId: string; channel: string }) {
  // Pages run from the newest back: a page's cursor is the `before` of its messages.
  const pages = usePages();
  const page = useApi<{ messages: ChatMessage[]; next: string | null }>(
    `/chat/channels/${seg(channel)}/messages${query({ limit: 50, before: pages.cursor })}`,
    {
      gameId,
      pollMs: pages.atFirst ? 5000 : undefined, // only the newest page moves
    },
  );
  const remove = useAction(async (id: string) => {
    await api(`/chat/messages/${seg(id)}`, { method: 'DELETE', gameId });
    page.reload();
  });

  return (
    <section className="card">
      <h2>#{channel}</h2>
      <ErrorNote error={page.error ?? remove.error} />
      {page.data?.messages.length === 0 && <p className="muted">No messages.</p>}
      <ol className="messages" data-testid="messages">
        {page.data?.messages.map((message) => (
          <li key={message.id} className={message.deleted ? 'deleted' : undefined}>
            <span className="muted">{when(message.created_at)}</span>{' '}
            {message.sender_id ? (
              <a href={link('games', gameId, 'players', message.sender_id)}>
                <code>{message.sender_id}</code>
              </a>
            ) : (
              <i>system</i>
            )}{' '}
            <span className="content">{message.deleted ? 'message deleted' : message.content}</span>
            {!message.deleted && message.kind === 'chat' && (
              <ConfirmButton confirm="Delete now" onConfirm={() => void remove.run(message.id)}>
                Delete
              </ConfirmButton>
            )}
          </li>
        ))}
      </ol>
      <Pager pages={pages} next={page.data?.next} labels={['← Newer', 'Older →']} />
    </section>
  );
}

function Mutes({ gameId }: { gameId: string }) {
  const mutes = useApi<{ mutes: ChatMute[] }>('/chat/mutes', { gameId });
  const [form, setForm] = useState({ player_id: '', until: '', reason: '' });
  const mute = useAction(async () => {
    const body = {
      player_id: form.player_id.trim(),
      ...(form.until && { until: new Date(form.until).toISOString() }),
      ...(form.reason.trim() && { reason: form.reason.trim() }),
    };
    await api('/chat/mutes', { method: 'POST', gameId, body });
    setForm({ player_id: '', until: '', reason: '' });
    mutes.reload();
  });
  const unmute = useAction(async (playerId: string) => {
    await api(`/chat/mutes/${seg(playerId)}`, { method: 'DELETE', gameId });
    mutes.reload();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void mute.run();
  };

  return (
    <section className="card">
      <h2>Mutes</h2>
      <form className="inline" onSubmit={onSubmit}>
        <label>
          Player id
          <input value={form.player_id} onChange={(e) => setForm({ ...form, player_id: e.target.value })} required />
        </label>
        <label>
          Until (empty: until lifted)
          <input type="datetime-local" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
        </label>
        <label>
          Reason
          <input value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} maxLength={200} />
        </label>
        <button type="submit" className="danger" disabled={mute.pending}>
          Mute
        </button>
      </form>
      <ErrorNote error={mute.error ?? unmute.error} />
      <ErrorNote error={mutes.error} what="The list of mutes" />
      {mutes.data?.mutes.length === 0 && <p className="muted">Nobody is muted.</p>}
      {mutes.data && mutes.data.mutes.length > 0 && (
        <table data-testid="mutes">
          <thead>
            <tr>
              <th>Player</th>
              <th>Until</th>
              <th>Reason</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mutes.data.mutes.map((m) => (
              <tr key={m.player_id}>
                <td>
                  <code>{m.player_id}</code>
                </td>
                <td>{m.until ? when(m.until) : 'until lifted'}</td>
                <td>{m.reason ?? '—'}</td>
                <td>{when(m.created_at)}</td>
                <td>
                  <button type="button" onClick={() => void unmute.run(m.player_id)}>
                    Unmute
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
