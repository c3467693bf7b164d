import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { RevocationBus } from '@spawnpoint/auth';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { LobbiesService } from '@spawnpoint/lobbies';
import { PartiesService } from '@spawnpoint/parties';
import { LocationService, locationRooms, NotificationsService, PresenceService, notificationPayload } from '@spawnpoint/social';
import {
  CloseCode,
  ErrorCode,
  EventPriority,
  publicRoomName,
  Rooms,
  SERVER_EVENT_PRIORITY,
  ServerEvent,
  type RealtimeStreamEntry,
  type RevocationMessage,
  type ServerEventPayloads,
  type WelcomePayload,
} from '@spawnpoint/shared';

import { compareIds, RealtimeStreamReader } from '../realtime-stream.reader.js';
import { ResumeStore, type ResumeRecord } from '../resume.store.js';
import type { HandshakeParams, HandshakeResult } from '../handshake.service.js';
import type { Connection, ConnectionIdentity } from './connection.js';
import { ConnectionRegistry } from './connection-registry.js';

export const NODE_ID = `${hostname()}:${process.pid}`;

/** Unread notifications sent to a player when it connects (the rest: GET /notifications). */
const NOTIFICATIONS_ON_CONNECT = 50;

export type ConnectionFactory = (id: string, identity: ConnectionIdentity, resumeToken: string) => Connection;

/**
 * What happens when a connection opens and closes, the same for both transports: its rooms
 * (global, player, party, lobby, world/sector/team), presence, resume, the welcome, unread
 * notifications, and the realtime stream's deliveries and room moves.
 */
@Injectable()
export class ConnectionLifecycle implements OnModuleDestroy {
  private readonly logger = new Logger(ConnectionLifecycle.name);
  private readonly offlineTimers = new Set<NodeJS.Timeout>();
  private started = false;
  /** Other parts of the node (world hosts) that follow connections coming and going. */
  private readonly openedListeners: ((connection: Connection) => void)[] = [];
  private readonly closedListeners: ((connection: Connection) => void)[] = [];

  constructor(
    readonly registry: ConnectionRegistry,
    private readonly reader: RealtimeStreamReader,
    private readonly resumes: ResumeStore,
    private readonly presence: PresenceService,
    private readonly notifications: NotificationsService,
    private readonly parties: PartiesService,
    private readonly lobbies: LobbiesService,
    private readonly locations: LocationService,
    private readonly revocations: RevocationBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts reading the stream and listening for revocations (once, whichever transport comes first). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.reader.start((entry, id) => this.onStreamEntry(entry, id));
    this.revocations.listen((message) => this.onRevocation(message));
  }

  onOpened(listener: (connection: Connection) => void): void {
    this.openedListeners.push(listener);
  }

  onClosed(listener: (connection: Connection) => void): void {
    this.closedListeners.push(listener);
  }

  onModuleDestroy(): void {
    for (const timer of this.offlineTimers) clearTimeout(timer);
    this.offlineTimers.clear();
  }

  async open(handshake: HandshakeResult, params: HandshakeParams, create: ConnectionFactory): Promise<Connection> {
    const { identity } = handshake;
    const connection = create(randomUUID(), identity, randomBytes(18).toString('base64url'));
    const resume = typeof params.resume === 'string' ? await this.resumes.take(params.resume) : null;
    const resumed = resume !== null && resume.gameId === identity.gameId && resume.playerId === identity.playerId;
    // Every delivery from here on is newer: a drop before the first one still resumes from this point.
    connection.lastOffset = this.reader.position ?? (await this.reader.newestId()) ?? '0-0';

    this.registry.add(connection);
    const hierarchy = await this.hierarchyRooms(identity);
    this.registry.join(connection, [...this.identityRooms(identity), ...hierarchy, ...(resumed ? resume.rooms : [])]);

    let missed = 0;
    if (resumed) {
      const from = typeof params.offset === 'string' && /^\d+-\d+$/.test(params.offset) ? params.offset : resume.lastOffset;
      if (from) missed = await this.replay(connection, resume, from);
    }
    // Rooms may have moved during the replay; the hierarchy read a moment ago is the truth.
    this.registry.join(connection, hierarchy);

    const welcome: WelcomePayload = {
      player_id: identity.playerId,
      game_id: identity.gameId,
      node_id: NODE_ID,
      connection_id: connection.id,
      resume_token: connection.resumeToken,
      resume_grace_ms: this.config.REALTIME_RESUME_GRACE_MS,
      resumed,
      missed,
      rooms: this.publicRooms(connection),
      ...(handshake.guestSession ? { guest_session: handshake.guestSession } : {}),
    };
    this.sendDirect(connection, ServerEvent.Welcome, welcome, true);
    this.goLive(connection);
    for (const listener of this.openedListeners) listener(connection);

    if (identity.playerId !== null) {
      await this.presence.connected(identity.gameId, identity.playerId, this.presenceAudience(connection));
      if (!resumed) await this.sendUnreadNotifications(connection, identity.gameId, identity.playerId);
    }
    return connection;
  }

  async close(connection: Connection): Promise<void> {
    const { gameId, playerId } = connection.identity;
    // Read before the registry empties the connection's rooms.
    const record: ResumeRecord = { gameId, playerId, rooms: [...connection.rooms], lastOffset: connection.lastOffset };
    const audience = this.presenceAudience(connection);
    this.registry.remove(connection);
    for (const listener of this.closedListeners) listener(connection);
    try {
      await this.resumes.save(connection.resumeToken, record);
      if (playerId === null) return;
      const left = await this.presence.disconnected(gameId, playerId);
      if (left > 0) return;
      const timer = setTimeout(() => {
        this.offlineTimers.delete(timer);
        void this.presence.expire(gameId, playerId, audience);
      }, this.config.REALTIME_RESUME_GRACE_MS);
      timer.unref();
      this.offlineTimers.add(timer);
    } catch (error) {
      this.logger.warn(`cleanup of connection ${connection.id} incomplete: ${(error as Error).message}`);
    }
  }

  /** A direct reply to one connection (not through the stream, so not replayed on resume). */
  sendDirect<E extends ServerEvent>(connection: Connection, event: E, payload: ServerEventPayloads[E], beforeLive = false): void {
    const frame = connection.encode(event, payload);
    if (connection.live || beforeLive) connection.send(frame, SERVER_EVENT_PRIORITY[event]);
    else connection.pending.push({ frame, priority: SERVER_EVENT_PRIORITY[event] });
  }

  /** A reply already encoded for the connection's transport (acks and errors on /ws). */
  sendDirectFrame(connection: Connection, frame: string): void {
    if (connection.live) connection.send(frame, EventPriority.Critical);
    else connection.pending.push({ frame, priority: EventPriority.Critical });
  }

  /** Joins or leaves rooms for one connection and tells its client. */
  move(connection: Connection, change: { join?: string[]; leave?: string[] }): void {
    const joined = this.registry.join(connection, change.join ?? []);
    const left = this.registry.leave(connection, change.leave ?? []);
    if (joined.length === 0 && left.length === 0) return;
    this.sendDirect(connection, ServerEvent.Rooms, {
      rooms: this.publicRooms(connection),
      joined: this.visible(connection, joined),
      left: this.visible(connection, left),
    });
  }

  /** The rooms that hear this player's presence besides its friends: party and lobby. */
  presenceAudience(connection: Connection): string[] {
    const { gameId } = connection.identity;
    return [...connection.rooms].filter((room) => {
      const name = publicRoomName(room, gameId);
      return name !== null && (name.startsWith('party:') || name.startsWith('lobby:'));
    });
  }

  publicRooms(connection: Connection): string[] {
    return this.visible(connection, connection.rooms);
  }

  private visible(connection: Connection, rooms: Iterable<string>): string[] {
    const out: string[] = [];
    for (const room of rooms) {
      const name = publicRoomName(room, connection.identity.gameId);
      if (name !== null && !name.startsWith('player:')) out.push(name);
    }
    return out.sort();
  }

  private identityRooms(identity: ConnectionIdentity): string[] {
    const { principal, gameId, playerId } = identity;
    const rooms = [Rooms.game(gameId)];
    if (playerId !== null) rooms.push(Rooms.player(gameId, playerId));
    if (principal.kind === 'player') rooms.push(Rooms.session(principal.sessionId));
    else rooms.push(Rooms.apiKey(principal.keyId));
    return rooms;
  }

  /** Party, lobby and world/sector/team rooms, read from their owners. */
  private async hierarchyRooms(identity: ConnectionIdentity): Promise<string[]> {
    const { gameId, playerId } = identity;
    if (playerId === null) return [];
    const [partyId, lobbyId, location] = await Promise.all([
      this.parties.partyIdOf(gameId, playerId),
      this.lobbies.lobbyIdOf(gameId, playerId),
      this.locations.get(gameId, playerId),
    ]);
    const rooms = locationRooms(gameId, location);
    if (partyId) rooms.push(Rooms.party(gameId, partyId));
    if (lobbyId) rooms.push(Rooms.lobby(gameId, lobbyId));
    return rooms;
  }

  /** Re-plays, in order, the deliveries and room moves the client missed since `from`. */
  private async replay(connection: Connection, resume: ResumeRecord, from: string): Promise<number> {
    const { gameId, playerId } = connection.identity;
    const rooms = new Set(connection.rooms);
    const entries = await this.reader.replay(from, (entry) =>
      entry.kind === 'move' ? entry.gameId === gameId && entry.playerId === playerId : entry.rooms.some((room) => rooms.has(room)),
    );
    let missed = 0;
    for (const { id, entry } of entries) {
      if (entry.kind === 'move') {
        this.registry.join(connection, entry.join);
        this.registry.leave(connection, entry.leave);
        entry.join.forEach((room) => rooms.add(room));
        entry.leave.forEach((room) => rooms.delete(room));
        continue;
      }
      if (!entry.rooms.some((room) => rooms.has(room))) continue;
      connection.send(connection.encode(entry.event, entry.payload, id), SERVER_EVENT_PRIORITY[entry.event as ServerEvent] ?? 1);
      if (compareIds(id, connection.lastOffset!) > 0) connection.lastOffset = id;
      missed++;
    }
    this.logger.debug(`resumed ${connection.id} for ${resume.playerId ?? 'server'}: ${missed} missed`);
    return missed;
  }

  /** Flushes what arrived during the open, skipping what the replay already sent. */
  private goLive(connection: Connection): void {
    const pending = connection.pending;
    connection.pending = [];
    for (const item of pending) {
      if (item.offset !== undefined && connection.lastOffset !== null && compareIds(item.offset, connection.lastOffset) <= 0) continue;
      connection.send(item.frame, item.priority);
      if (item.offset !== undefined) connection.lastOffset = item.offset;
    }
    connection.live = true;
  }

  private async sendUnreadNotifications(connection: Connection, gameId: string, playerId: string): Promise<void> {
    try {
      const unread = await this.notifications.unreadFor(gameId, playerId, NOTIFICATIONS_ON_CONNECT);
      for (const notification of unread.reverse()) this.sendDirect(connection, ServerEvent.Notification, notificationPayload(notification));
    } catch (error) {
      this.logger.warn(`unread notifications for ${playerId} not sent: ${(error as Error).message}`);
    }
  }

  private onStreamEntry(entry: RealtimeStreamEntry, id: string): void {
    if (entry.kind === 'deliver') {
      if (Array.isArray(entry.rooms) && typeof entry.event === 'string') this.registry.deliver(entry.rooms, entry.event, entry.payload, id);
      return;
    }
    for (const connection of this.registry.ofPlayer(entry.gameId, entry.playerId)) {
      this.move(connection, { join: entry.join, leave: entry.leave });
    }
  }

  /** Every node hears every revocation and closes its own matching connections. */
  private onRevocation(message: RevocationMessage): void {
    const room = message.kind === 'session' ? Rooms.session(message.sessionId) : Rooms.apiKey(message.keyId);
    const code = message.kind === 'session' ? ErrorCode.SessionRevoked : ErrorCode.InvalidApiKey;
    for (const connection of [...this.registry.inRoom(room)]) {
      connection.close(CloseCode.Revoked, {
        code,
        message: message.kind === 'session' ? 'The session was revoked' : 'The API key was revoked',
      });
    }
  }
}
