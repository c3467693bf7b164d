import { useState } from 'react';

/**
 * Cursor paging as the API does it (a cursor in, the next page's cursor out): the cursors of the
 * pages walked so far, so Previous steps back. `cursor` is the open page's (undefined: the first).
 */
export interface Pages {
  cursor: string | undefined;
  atFirst: boolean;
  back(): void;
  forward(next: string): void;
  reset(): void;
}

export function usePages(): Pages {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    atFirst: cursors.length === 1,
    back: () => setCursors(cursors.slice(0, -1)),
    forward: (next) => setCursors([...cursors, next]),
    reset: () => setCursors([undefined]),
  };
}

/** Previous / next buttons over `pages`; `next` is the open page's next cursor (none: the last page). */
export function Pager({
  pages,
  next,
  labels = ['← Previous', 'Next →'],
}: {
  pages: Pages;
  next: string | null | undefined;
  labels?: [string, string];
}) {
  return (
    <div className="inline pager">
      <button type="button" disabled={pages.atFirst} onClick={pages.back}>
        {labels[0]}
      </button>
      <button type="button" disabled={!next} onClick={() => next && pages.forward(next)}>
        {labels[1]}
      </button>
    </div>
  );
}
