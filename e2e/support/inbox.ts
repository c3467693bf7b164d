import type { Socket } from 'socket.io-client';

/** Every push a socket received, consumed in order by `next`, so no event is missed between a request and the wait. */
export class Inbox {
  private readonly events: { event: string; payload: unknown }[] = [];
  private readonly waiters: { match: (event: string, payload: unknown) => boolean; resolve: (payload: unknown) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      const waiter = this.waiters.find((w) => w.match(event, payload));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(payload);
      } else {
        this.events.push({ event, payload });
      }
    });
  }

  next<P>(event: string, predicate: (payload: P) => boolean = () => true): Promise<P> {
    const match = (e: string, payload: unknown) => e === event && predicate(payload as P);
    const index = this.events.findIndex((e) => match(e.event, e.payload));
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]!.payload as P);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (payload: unknown) => void }));
  }
}
