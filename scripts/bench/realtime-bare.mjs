#!/usr/bin/env node
// The baselines for `npm run bench:realtime`: a bare socket.io 4.8 server (MODE=socket.io: no
// adapter, no auth, no Nest) or a bare `ws` server (MODE=ws, path /ws), doing the gateway's
// fan-out and nothing else. Like the gateway, it learns what to send by blocking XREADs on a Redis
// stream (`<REDIS_KEY_PREFIX>bare:<MODE>:stream`, entries `{ e: JSON.stringify({ rooms, event, payload }) }`),
// so all three servers pay the same Redis read per message. A client names its player in
// `auth.player_id` (socket.io) or `?player_id=` (ws) and is put in rooms `global` and `player:<id>`.
// Forked with an IPC channel: sends 'ready' once listening, exits on SIGTERM.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const MODE = process.env.MODE;
const STREAM = `bare:${MODE}:stream`;
const redis = new Redis(process.env.REDIS_URL, { keyPrefix: process.env.REDIS_KEY_PREFIX, maxRetriesPerRequest: null });
const http = createServer();
let deliver;

if (MODE === 'socket.io') {
  const io = new Server(http);
  io.on('connection', (socket) => {
    void socket.join(['global', `player:${socket.handshake.auth?.player_id}`]);
  });
  deliver = ({ rooms, event, payload }) => io.to(rooms).emit(event, payload);
} else if (MODE === 'ws') {
  const rooms = new Map();
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (ws, request) => {
    const player = new URL(request.url, 'http://localhost').searchParams.get('player_id');
    const mine = ['global', `player:${player}`];
    for (const room of mine) {
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
    }
    ws.on('close', () => {
      for (const room of mine) {
        rooms.get(room)?.delete(ws);
        if (rooms.get(room)?.size === 0) rooms.delete(room);
      }
    });
  });
  deliver = ({ rooms: targets, event, payload }) => {
    const frame = JSON.stringify({ type: event, ...payload });
    if (targets.length === 1) {
      for (const ws of rooms.get(targets[0]) ?? []) ws.send(frame);
      return;
    }
    const sent = new Set();
    for (const room of targets) {
      for (const ws of rooms.get(room) ?? []) {
        if (sent.has(ws)) continue;
        sent.add(ws);
        ws.send(frame);
      }
    }
  };
} else {
  throw new Error(`MODE must be socket.io or ws, not ${MODE}`);
}

let running = true;
async function read() {
  let lastId = '$';
  while (running) {
    const reply = await redis.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', STREAM, lastId).catch(() => null);
    if (!reply) continue;
    for (const [id, fields] of reply[0][1]) {
      lastId = id;
      deliver(JSON.parse(fields[1]));
    }
  }
}

process.on('SIGTERM', () => {
  running = false;
  redis.disconnect();
  http.closeAllConnections?.();
  process.exit(0);
});

http.listen(Number(process.env.PORT), '127.0.0.1', () => {
  void read();
  process.send?.('ready');
});
