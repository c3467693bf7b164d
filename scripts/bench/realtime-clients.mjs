#!/usr/bin/env node
// A fleet of realtime clients for `npm run bench:realtime`, forked by scripts/bench/realtime.mjs so
// that the clients' CPU is never counted as the server's. Driven over IPC:
//
//   { op: 'connect', transport: 'socket.io' | 'ws', url, clients: [{ auth } | { query }], waitFor, concurrency }
//        opens the connections (`waitFor`: the event that means "ready", e.g. the gateway's welcome)
//   { op: 'reset', phase }   zeroes the counters; from now on only messages with `p: phase` count      { op: 'stats' }   received, latency histogram, drops
//   { op: 'close' }   closes every connection
//
// Every `chat_message` of the current phase received is counted; its latency is the monotonic clock (shared by every
// process of the machine) now, minus `t` in the payload, stamped by the publisher.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { countInto, sparseHistogram } from './lib/stats.mjs';

const EVENT = 'chat_message';
/** Latency histogram: 0.1 ms buckets up to 10 s, the last bucket catches the rest. */
const BUCKET_US = 100;
const BUCKETS = 100_000;

let sockets = [];
let received = 0;
let histogram = new Uint32Array(BUCKETS);
let drops = 0;
/** Only messages of the phase being measured count (a warm-up's stragglers do not). */
let phase = null;

const now = () => Number(process.hrtime.bigint() / 1000n);

function record(message) {
  if (message?.p !== phase) return;
  const t = message.t;
  received++;
  if (typeof t !== 'number') return;
  countInto(histogram, now() - t, BUCKET_US);
}

function openSocketIo(url, client, waitFor) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], auth: client.auth, reconnection: false, forceNew: true, timeout: 60_000 });
    const fail = (error) => {
      socket.close();
      reject(new Error(error?.data?.code ?? error?.message ?? String(error)));
    };
    socket.once('connect_error', fail);
    socket.on(EVENT, record);
    const handle = {
      closed: false,
      close: () => {
        handle.closed = true;
        socket.close();
      },
      up: () => socket.connected,
    };
    const ready = () => {
      socket.off('connect_error', fail);
      socket.once('disconnect', () => {
        if (!handle.closed) drops++;
      });
      resolve(handle);
    };
    if (waitFor) socket.once(waitFor, ready);
    else socket.once('connect', ready);
  });
}

function openWs(url, client, waitFor) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    for (const [k, v] of Object.entries(client.query ?? {})) target.searchParams.set(k, v);
    const ws = new WebSocket(target, { perMessageDeflate: false });
    let ready = false;
    const handle = {
      closed: false,
      close: () => {
        handle.closed = true;
        ws.terminate();
      },
      up: () => ws.readyState === WebSocket.OPEN,
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString());
      if (message.type === EVENT) record(message);
      else if (!ready && message.type === waitFor) {
        ready = true;
        resolve(handle);
      } else if (message.type === 'error' && !ready) reject(new Error(message.code));
    });
    ws.once('open', () => {
      if (!waitFor) {
        ready = true;
        resolve(handle);
      }
    });
    ws.once('error', (error) => {
      if (!ready) reject(error);
    });
    ws.once('close', (code, reason) => {
      if (ready) {
        if (!handle.closed) drops++;
      } else reject(new Error(`closed ${code} ${reason}`));
    });
  });
}

async function connect({ transport, url, clients, waitFor, concurrency }) {
  const open = transport === 'ws' ? openWs : openSocketIo;
  let next = 0;
  let opened = 0;
  let failed = 0;
  const errors = new Map();
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++];
      try {
        sockets.push(await open(url, client, waitFor));
        opened++;
      } catch (error) {
        failed++;
        errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: opened, failed, errors: Object.fromEntries(errors) };
}

function stats() {
  return { received, histogram: sparseHistogram(histogram), bucketUs: BUCKET_US, drops, up: sockets.filter((s) => s.up()).length };
}

process.on('message', (command) => {
  const reply = (body) => process.send({ id: command.id, ...body });
  switch (command.op) {
    case 'connect':
      void connect(command).then(reply, (error) => reply({ error: error.message }));
      return;
    case 'reset':
      phase = command.phase ?? null;
      received = 0;
      drops = 0;
      histogram = new Uint32Array(BUCKETS);
      reply({});
      return;
    case 'stats':
      reply(stats());
      return;
    case 'close':
      for (const socket of sockets) socket.close();
      sockets = [];
      received = 0;
      drops = 0;
      histogram = new Uint32Array(BUCKETS);
      // Let the closes go out before the next phase opens new connections.
      setTimeout(() => reply({}), 500);
      return;
    default:
      reply({ error: `unknown op ${command.op}` });
  }
});
process.on('disconnect', () => process.exit(0));
