import type { CredentialPrincipal } from '@spawnpoint/auth';
import { EventPriority, type ErrorPayload } from '@spawnpoint/shared';

/** Who a connection acts as: the authenticated principal and the player it speaks for (null = a game server). */
export interface ConnectionIdentity {
  principal: CredentialPrincipal;
  gameId: string;
  playerId: string | null;
}

export type TransportName = 'socket.io' | 'ws';

/** One outbound message, encoded for this connection's transport (Socket.IO binary events are several packets). */
export type Frame = string | Buffer | (string | Buffer)[];

/** Frames queued behind a congested socket, per priority; beyond this the lowest priority goes first. */
const QUEUE_LIMIT = 1_000;

/**
 * A client connection, whatever its transport. Rooms, rate limits and outbound priority live here
 * so that both transports behave the same; subclasses only write frames and close.
 */
export abstract class Connection {
  readonly rooms = new Set<string>();
  /**
   * Last realtime stream id written to this connection, or where it joined the stream when nothing
   * was written yet (the resume point when the client gives none). Set when the connection opens.
   */
  lastOffset: string | null = null;
  /**
   * False until the welcome (and, on resume, the replay) is out: deliveries meanwhile wait in
   * `pending` so they reach the client after what it missed, in stream order, once each.
   */
  live = false;
  pending: { frame: Frame; priority: EventPriority; offset?: string }[] = [];
  private readonly queues: Frame[][] = [[], [], [], []];
  private queued = 0;
  dropped = 0;

  constructor(
    readonly id: string,
    readonly identity: ConnectionIdentity,
    readonly resumeToken: string,
  ) {}

  abstract readonly transport: TransportName;
  /** The transport's own outbound buffer is over its high-water mark. */
  protected abstract congested(): boolean;
  /**
   * Calls `listener` once, when the transport's buffer has drained. Only while frames wait: a
   * listener on every drain would run after every write of every delivery.
   */
  protected abstract onceDrained(listener: () => void): void;
  protected abstract write(frame: Frame): void;
  /** Sends `error` (with the close code) and closes: a /ws close frame carries the code and the error code as reason. */
  abstract close(closeCode: number, error: ErrorPayload): void;
  /** Encodes one event for this transport. */
  abstract encode(event: string, payload: unknown, offset?: string): Frame;
  /** The key under which a pre-encoded frame is shared between connections of the same transport. */
  abstract readonly encoding: string;

  send(frame: Frame, priority: EventPriority): void {
    if (this.queued === 0) {
      if (!this.congested()) {
        this.write(frame);
        return;
      }
      this.onceDrained(() => this.flush());
    }
    this.queues[priority]!.push(frame);
    this.queued++;
    if (this.queued > QUEUE_LIMIT) this.shed();
  }

  /** Writes queued frames, the most urgent first, until the transport is congested again. */
  private flush(): void {
    for (const queue of this.queues) {
      while (queue.length > 0) {
        if (this.congested()) {
          this.onceDrained(() => this.flush());
          return;
        }
        this.write(queue.shift()!);
        this.queued--;
      }
    }
  }

  /** Drops the least urgent queued frame (cosmetic first, never critical while others remain). */
  private shed(): void {
    for (let priority = EventPriority.Cosmetic; priority >= EventPriority.Critical; priority--) {
      const queue = this.queues[priority]!;
      if (queue.length > 0) {
        queue.shift();
        this.queued--;
        this.dropped++;
        return;
      }
    }
  }
}
