import { Injectable } from '@nestjs/common';
import { CHAT_LIMITS, chatMessagePayload, ChatService } from '@spawnpoint/chat';
import { ClientEvent } from '@spawnpoint/shared';
import type { Connection } from '../connections/connection.js';
import { handler, type RealtimeHandlerSet } from '../dispatcher/realtime-handler.js';
import { jsonObject, number, object, optional, string } from '../protocol/schema.js';

const CHANNEL = string({ max: 300 });
const MESSAGE_ID = string({ max: 19, pattern: /^[1-9][0-9]{0,18}$/ });

/** Chat over the socket: the same service, rules and pushes as `/chat` over REST. */
@Injectable()
export class ChatHandlers implements RealtimeHandlerSet {
  constructor(private readonly chat: ChatService) {}

  handlers() {
    return [
      handler({
        event: ClientEvent.ChatSend,
        audience: 'player',
        schema: object<{ channel: string; content: string; data?: Record<string, unknown> }>({
          channel: CHANNEL,
          content: string({ min: CHAT_LIMITS.contentMin, max: CHAT_LIMITS.contentMax }),
          data: optional(jsonObject({ maxBytes: CHAT_LIMITS.dataMaxBytes })),
        }),
        handle: async (connection, payload) =>
          chatMessagePayload(
            await this.chat.send(connection.identity.principal, payload.channel, {
              content: payload.content,
              data: payload.data as never,
              senderId: senderOf(connection),
            }),
          ),
      }),
      handler({
        event: ClientEvent.ChatHistory,
        audience: 'player',
        schema: object<{ channel: string; before?: string; limit?: number }>({
          channel: CHANNEL,
          before: optional(MESSAGE_ID),
          limit: optional(number({ min: 1, max: CHAT_LIMITS.pageMax, integer: true })),
        }),
        handle: async (connection, payload) => {
          const page = await this.chat.list(connection.identity.principal, payload.channel, {
            limit: payload.limit,
            before: payload.before,
          });
          return { messages: page.messages.map(chatMessagePayload), next: page.next };
        },
      }),
      handler({
        event: ClientEvent.ChatEdit,
        audience: 'player',
        schema: object<{ message_id: string; content: string }>({
          message_id: MESSAGE_ID,
          content: string({ min: CHAT_LIMITS.contentMin, max: CHAT_LIMITS.contentMax }),
        }),
        handle: async (connection, payload) =>
          chatMessagePayload(await this.chat.edit(connection.identity.principal, payload.message_id, payload.content)),
      }),
      handler({
        event: ClientEvent.ChatDelete,
        audience: 'any',
        schema: object<{ message_id: string }>({ message_id: MESSAGE_ID }),
        handle: async (connection, payload) => {
          await this.chat.remove(connection.identity.principal, payload.message_id);
          return { deleted: payload.message_id };
        },
      }),
    ];
  }
}

/** A server-key connection sends as its `player_id`; a session sends as itself. */
function senderOf(connection: Connection): string | undefined {
  return connection.identity.principal.kind === 'server' ? (connection.identity.playerId ?? undefined) : undefined;
}
