// For unit tests of code that writes WebSocket frames by hand (websocket-frame.ts).
import * as ws from 'ws';

interface ReceiverLike {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
/** `ws` exports its frame parser, but its type declarations do not. */
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => ReceiverLike };

/** What a WebSocket client makes of `frames`: `ws`'s own client-side parser. */
export function receive(...frames: Buffer[]): { data: Buffer; isBinary: boolean }[] {
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  receiver.on('error', (error: Error) => {
    throw error;
  });
  for (const frame of frames) receiver.write(frame);
  return messages;
}
