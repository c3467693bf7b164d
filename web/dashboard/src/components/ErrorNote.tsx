import type { ApiError } from '../api.js';

/**
 * An API error as the developer needs it: the stable code and the message. An endpoint this server
 * does not have yet (404 `route_not_found`) is a quiet note instead, so a newer dashboard works
 * against an older platform.
 */
export function ErrorNote({ error, what }: { error: ApiError | undefined; what?: string }) {
  if (!error) return null;
  if (error.code === 'route_not_found') {
    return (
      <p className="note" data-testid="not-available">
        {what ?? 'This view'}: not available on this server yet.
      </p>
    );
  }
  return (
    <p className="error" role="alert" data-testid="error">
      <code>{error.code}</code> {error.message}
      {error.requestId && <span className="muted"> (request {error.requestId})</span>}
    </p>
  );
}
