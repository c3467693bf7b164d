import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, query, seg } from '../api.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { when } from '../components/format.js';
import { useAction, useApi } from '../hooks.js';
import type { StorageObject } from '../types.js';
import { Pager, usePages } from '../components/Pager.js';

interface Page {
  objects: StorageObject[];
  next_cursor: string | null;
}

interface Address {
  collection: string;
  key: string;
}

/**
 * A player's storage documents: every collection when the server lists them all
 * (`GET /players/{id}/storage`), else one collection the developer names. Opening one gives an
 * inline JSON editor whose writes are conditional on the version that was opened.
 */
export function StorageEditor({ gameId, playerId }: { gameId: string; playerId: string }) {
  const base = `/players/${seg(playerId)}/storage`;
  // One list at a time: a new collection starts over at its first page.
  const pages = usePages();
  const cursor = pages.cursor;
  const all = useApi<Page>(`${base}${query({ cursor })}`, { gameId });
  const [collection, setCollection] = useState('');
  const [typedCollection, setTypedCollection] = useState('');
  const one = useApi<Page>(collection ? `${base}/${seg(collection)}${query({ cursor })}` : null, { gameId });
  const [open, setOpen] = useState<Address & { isNew?: boolean }>();
  const [newKey, setNewKey] = useState<Address>({ collection: '', key: '' });

  // Older servers cannot list every collection: fall back to browsing one by name.
  const perCollection = all.error?.code === 'route_not_found';
  const listed = perCollection ? one : all;
  const reload = () => (perCollection ? one.reload() : all.reload());

  return (
    <section className="card" data-testid="storage">
      <h2>Storage</h2>
      {perCollection && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            setCollection(typedCollection.trim());
            pages.reset();
          }}
        >
          <label>
            Collection
            <input value={typedCollection} onChange={(e) => setTypedCollection(e.target.value)} placeholder="inventory" required />
          </label>
          <button type="submit">List</button>
        </form>
      )}
      <ErrorNote error={perCollection ? one.error : all.error} />
      {listed.data && listed.data.objects.length === 0 && <p className="muted">No documents.</p>}
      {listed.data && listed.data.objects.length > 0 && (
        <table data-testid="storage-documents">
          <thead>
            <tr>
              <th>Collection</th>
              <th>Key</th>
              <th className="number">Version</th>
              <th>Read / write</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listed.data.objects.map((object) => (
              <tr key={`${object.collection}/${object.key}`} data-testid="storage-row">
                <td>{object.collection}</td>
                <td>{object.key}</td>
                <td className="number">{object.version}</td>
                <td>
                  {object.read} / {object.write}
                </td>
                <td>{when(object.updated_at)}</td>
                <td>
                  <button type="button" onClick={() => setOpen({ collection: object.collection, key: object.key })}>
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {(!pages.atFirst || listed.data?.next_cursor) && <Pager pages={pages} next={listed.data?.next_cursor} />}

      {open && (
        <DocumentEditor
          key={`${open.collection}/${open.key}`}
          gameId={gameId}
          path={`${base}/${seg(open.collection)}/${seg(open.key)}`}
          address={open}
          isNew={open.isNew ?? false}
          onClose={() => setOpen(undefined)}
          onChanged={reload}
        />
      )}

      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setOpen({ ...newKey, isNew: true });
        }}
      >
        <label>
          New document: collection
          <input value={newKey.collection} onChange={(e) => setNewKey({ ...newKey, collection: e.target.value })} required />
        </label>
        <label>
          key
          <input value={newKey.key} onChange={(e) => setNewKey({ ...newKey, key: e.target.value })} required />
        </label>
        <button type="submit">Create…</button>
      </form>
    </section>
  );
}

/**
 * One document as editable JSON. Saving sends `If-Match: "<version opened>"` (a new document
 * `If-None-Match: *`), so a write made meanwhile by the game is never silently overwritten: the
 * platform answers 412 and the editor offers to reload.
 */
function DocumentEditor({
  gameId,
  path,
  address,
  isNew,
  onClose,
  onChanged,
}: {
  gameId: string;
  path: string;
  address: Address;
  isNew: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [document, setDocument] = useState<StorageObject>();
  const [text, setText] = useState(isNew ? '{}' : '');
  const [parseError, setParseError] = useState<string>();
  const load = useAction(async () => {
    const loaded = await api<StorageObject>(path, { gameId });
    setDocument(loaded);
    setText(JSON.stringify(loaded.value, null, 2));
  });
  const { run: reload } = load;
  useEffect(() => {
    if (!isNew) void reload();
  }, [isNew, reload]);

  const save = useAction(async (value: unknown) => {
    const condition: Record<string, string> = document ? { 'if-match': `"${document.version}"` } : { 'if-none-match': '*' };
    const saved = await api<StorageObject>(path, { method: 'PUT', gameId, body: { value }, headers: condition });
    setDocument(saved);
    onChanged();
  });
  const remove = useAction(async () => {
    await api(path, { method: 'DELETE', gameId, headers: document ? { 'if-match': `"${document.version}"` } : {} });
    onChanged();
    onClose();
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      setParseError(error instanceof Error ? error.message : 'Not JSON');
      return;
    }
    setParseError(undefined);
    void save.run(value);
  };

  const conflict = [save.error, remove.error].some((error) => error instanceof ApiError && error.code === 'precondition_failed');

  return (
    <form className="editor" onSubmit={onSubmit} data-testid="document-editor">
      <div className="inline">
        <h3>
          {address.collection} / {address.key}
        </h3>
        <span className="muted">{document ? `version ${document.version}, updated ${when(document.updated_at)}` : 'new document'}</span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorNote error={load.error} />
      <textarea aria-label="Document JSON" value={text} onChange={(e) => setText(e.target.value)} rows={12} spellCheck={false} />
      {parseError && <p className="error">Not valid JSON: {parseError}</p>}
      {conflict ? (
        <p className="error" role="alert" data-testid="conflict">
          <code>precondition_failed</code> This document changed since you opened it.{' '}
          <button
            type="button"
            onClick={() => {
              save.clearError();
              remove.clearError();
              void reload();
            }}
          >
            Reload it
          </button>
        </p>
      ) : (
        <ErrorNote error={save.error ?? remove.error} />
      )}
      <div className="inline">
        <button type="submit" className="primary" disabled={save.pending || (!isNew && !document)}>
          Save
        </button>
        {document && (
          <ConfirmButton confirm="Delete now" onConfirm={() => void remove.run()}>
            Delete
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}
