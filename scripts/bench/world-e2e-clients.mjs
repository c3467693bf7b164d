#!/usr/bin/env node
// A fleet of world clients for `node scripts/bench/world-e2e.mjs`, forked by it so that the
// clients' CPU is never counted as the server's. Driven over IPC:
//
//   { op: 'connect', kind: 'spawnpoint', url, key, world, players: [id…], mirrors, inputs, concurrency }
//        (inputs: 'binary', the default, or 'json': how Spawnpoint clients send their inputs)
//   { op: 'connect', kind: 'colyseus', url, roomId, count, decoders, concurrency }
//   (both also take deadlineMs and joinTimeoutMs)
//        opens the connections and joins the world (→ { op: 'connected', ok, failed, error? })
//   { op: 'inputs', rate }   every client sends `rate` inputs per second (move, seq, timestamp)
//   { op: 'reset' }          zeroes the counters (→ { op: 'reset' })
//   { op: 'stats' }          → { op: 'stats', … } counters and histograms since the reset
//   { op: 'close' }          closes every connection (→ { op: 'closed' })
//
// Spawnpoint clients speak /ws with `join_world {world_id, encoding: 'binary'}`. Every client walks
// the binary messages with a counting parser (no allocation); `mirrors` of them also apply every
// message to a WorldMirror from the built engine and check it against the server's checksums.
// Colyseus clients are @colyseus/sdk rooms. `decoders` of them hand every frame to the SDK and
// count what each patch changed through a raw-changes callback (that is also where their input
// acks come from); the others let the SDK handle everything but state patches, which they only
// time and count the bytes of: decoding 1,000 clients' patches would take more CPU than this
// machine has next to the server, and would throttle what the server can deliver.
import { Client as ColyseusClient } from '@colyseus/sdk';
import { getRawChangesCallback } from '@colyseus/schema';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { countInto, sparseHistogram } from './lib/stats.mjs';

const ENGINE = fileURLToPath(new URL('../../dist/libs/worlds/src/engine/index.js', import.meta.url));
const { WorldMirror, encodeInputBinary } = existsSync(ENGINE) ? await import(pathToFileURL(ENGINE).href) : {};

/** Histograms of 0.1 ms buckets up to 10 s; the last bucket catches the rest. */
const BUCKET_MS = 0.1;
const BUCKETS = 100_000;
const SEQ_RING = 256;
const COLYSEUS_PATCH = 15;
const COLYSEUS_STATE = 14;

const clients = [];
let counters;
let inputTimer = null;

function resetCounters() {
  counters = {
    messages: 0,
    payloadBytes: 0,
    frameBytes: 0,
    decodedBytes: 0,
    moving: 0,
    entered: 0,
    left: 0,
    otherMessages: 0,
    intervals: new Uint32Array(BUCKETS),
    latencies: new Uint32Array(BUCKETS),
    inputsSent: 0,
    inputsAcked: 0,
    mirrorMessages: 0,
    checksumsOk: 0,
    resyncs: 0,
    mismatches: 0,
    errors: 0,
    closed: 0,
  };
  // Inputs sent before the reset are not the measured window's: their acknowledgements are not counted.
  for (const client of clients) {
    client.lastMessageAt = 0;
    client.countFrom = client.seq + 1;
  }
}
resetCounters();

const now = () => performance.now();
/** A server-to-client WebSocket frame's header: 2 bytes, 4 from 126 bytes of payload, 10 from 64 KiB. */
const wsHeader = (length) => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

function newClient() {
  return {
    seq: 0,
    acked: 0,
    countFrom: 1,
    sentAt: new Float64Array(SEQ_RING),
    lastMessageAt: 0,
    visible: 0,
    angle: Math.random() * Math.PI * 2,
    turnAt: 0,
    send: null,
    close: null,
  };
}

/** A state message arrived for `client`: its interval, and the inputs its seq acknowledges. */
function onState(client, seq) {
  const at = now();
  counters.messages++;
  if (client.lastMessageAt > 0) countInto(counters.intervals, at - client.lastMessageAt, BUCKET_MS);
  client.lastMessageAt = at;
  // Every input up to `seq` is acknowledged by this message; the first one to say so is the latency.
  if (seq > client.acked && seq <= client.seq) {
    for (let s = Math.max(client.acked + 1, client.seq - SEQ_RING + 1, client.countFrom); s <= seq; s++) {
      countInto(counters.latencies, at - client.sentAt[s % SEQ_RING], BUCKET_MS);
      counters.inputsAcked++;
    }
    client.acked = seq;
  }
}

function sendInput(client) {
  const at = now();
  if (at >= client.turnAt) {
    client.angle = Math.random() * Math.PI * 2;
    client.turnAt = at + 1000 + Math.random() * 2000;
  }
  const seq = ++client.seq;
  client.sentAt[seq % SEQ_RING] = at;
  counters.inputsSent++;
  client.send({ move_x: Math.cos(client.angle), move_y: Math.sin(client.angle), seq, timestamp: Date.now() });
}

// ---------------------------------------------------------------- Spawnpoint (/ws, binary)

/** Walks a binary world message (docs/worlds-engine.md, "Binary") and counts what it carries. */
function countBinary(client, bytes) {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const type = bytes[at++];
  if (type === 3) return; // checksum
  varint(); // tick
  const seq = varint() - 1;
  if (type === 1) {
    varint(); // scale
    const count = varint();
    client.visible = count;
    onState(client, seq);
    return;
  }
  const entered = varint();
  for (let i = 0; i < entered; i++) {
    (varint(), varint(), varint());
    at += 2;
    varint();
  }
  const updated = varint();
  let moving = 0;
  for (let i = 0; i < updated; i++) {
    varint();
    const mask = bytes[at++];
    if (mask & 1) varint();
    if (mask & 2) varint();
    if (mask & 4) varint();
    if (mask & 8) at++;
    if (mask & 16) at++;
    if (mask & 3) moving++;
  }
  const left = varint();
  client.visible += entered - left;
  counters.moving += moving;
  counters.entered += entered;
  counters.left += left;
  counters.payloadBytes += bytes.length;
  counters.decodedBytes += bytes.length;
  counters.frameBytes += bytes.length + wsHeader(bytes.length);
  onState(client, seq);
}

function connectSpawnpoint({ url, key, world, inputs = 'binary' }, playerId, withMirror) {
  return new Promise((resolve, reject) => {
    const client = newClient();
    const mirror = withMirror ? new WorldMirror() : null;
    const socket = new WebSocket(`${url}/ws?api_key=${encodeURIComponent(key)}&player_id=${encodeURIComponent(playerId)}`, {
      perMessageDeflate: false,
    });
    let joined = false;
    const fail = (error) => {
      if (!joined) reject(error);
    };
    socket.on('error', (error) => {
      counters.errors++;
      fail(error);
    });
    socket.on('close', (code, reason) => {
      counters.closed++;
      fail(new Error(`closed ${code} ${reason}`));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        countBinary(client, bytes);
        if (mirror) {
          counters.mirrorMessages++;
          const isChecksum = bytes[0] === 3;
          if (mirror.apply(bytes) === 'resync') {
            counters.resyncs++;
            socket.send(JSON.stringify({ type: 'request_state' }));
          } else if (isChecksum) {
            counters.checksumsOk++;
            if (mirror.entities.size !== client.visible) counters.mismatches++;
          }
        }
        return;
      }
      const message = JSON.parse(data.toString());
      if (message.type === 'welcome') {
        socket.send(JSON.stringify({ type: 'join_world', world_id: world, encoding: 'binary', ref: 'join' }));
      } else if (message.type === 'ack' && message.ref === 'join') {
        joined = true;
        resolve(client);
      } else if (message.type === 'error') {
        counters.errors++;
        fail(new Error(`${message.code}: ${message.message}`));
      } else counters.otherMessages++;
    });
    client.send = (input) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(inputs === 'json' ? JSON.stringify({ type: 'input', ...input }) : encodeInputBinary(input));
    };
    client.close = () => socket.close();
  });
}

// ---------------------------------------------------------------- Colyseus (@colyseus/sdk)

async function connectColyseus({ url, roomId }, decode) {
  const client = newClient();
  const sdk = new ColyseusClient(url);
  const room = await sdk.joinById(roomId);
  let ackSeq = 0;
  let patchMoving = 0;
  let lastRef = null;
  getRawChangesCallback(room.serializer.decoder, (changes) => {
    for (const change of changes) {
      const field = change.field;
      if (field === 'x' || field === 'y') {
        // A field with no previous value belongs to an entity entering the view, not an update.
        if (change.previousValue !== undefined && change.ref !== lastRef) patchMoving++;
        lastRef = change.ref;
      } else if (field === 'seq') ackSeq = change.value;
    }
  });
  const handler = room.connection.events.onmessage;
  room.connection.events.onmessage = (event) => {
    const bytes = event.data.byteLength;
    const code = new Uint8Array(event.data, 0, 1)[0] & 0x7f;
    patchMoving = 0;
    lastRef = null;
    if (code === COLYSEUS_PATCH && !decode) {
      counters.payloadBytes += bytes;
      counters.frameBytes += bytes + wsHeader(bytes);
      onState(client, 0);
      return;
    }
    const entitiesBefore = room.state?.entities?.size ?? 0;
    handler(event);
    if (code !== COLYSEUS_PATCH && code !== COLYSEUS_STATE) {
      counters.otherMessages++;
      return;
    }
    const visible = room.state?.entities?.size ?? 0;
    client.visible = visible;
    if (code === COLYSEUS_PATCH) {
      counters.moving += patchMoving;
      counters.payloadBytes += bytes;
      counters.decodedBytes += bytes;
      counters.frameBytes += bytes + wsHeader(bytes);
      if (visible > entitiesBefore) counters.entered += visible - entitiesBefore;
      else counters.left += entitiesBefore - visible;
    }
    onState(client, ackSeq);
  };
  room.onLeave(() => counters.closed++);
  room.onError(() => counters.errors++);
  client.send = (input) => room.send('input', input);
  client.close = () => room.leave().catch(() => undefined);
  return client;
}

// ---------------------------------------------------------------- driver

async function connectAll(message) {
  const jobs =
    message.kind === 'spawnpoint'
      ? message.players.map((playerId, i) => () => connectSpawnpoint(message, playerId, i < message.mirrors))
      : Array.from({ length: message.count }, (_, i) => () => connectColyseus(message, i < message.decoders));
  // A saturated server can take minutes to seat everyone: joins stop at the deadline and each
  // join gives up after `joinTimeoutMs` (a late one is closed when it lands, never measured).
  const deadline = Date.now() + message.deadlineMs;
  let next = 0;
  let failed = 0;
  let error;
  const worker = async () => {
    while (next < jobs.length && Date.now() < deadline) {
      const job = jobs[next++];
      const attempt = job();
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no join within ${message.joinTimeoutMs} ms`)), message.joinTimeoutMs);
      });
      try {
        clients.push(await Promise.race([attempt, timeout]));
      } catch (e) {
        failed++;
        error ??= e.message;
        attempt.then((late) => late.close()).catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: message.concurrency ?? 16 }, worker));
  if (next < jobs.length) error ??= `${jobs.length - next} not tried: the ${message.deadlineMs / 1000} s connect deadline passed`;
  return { op: 'connected', ok: clients.length, failed: failed + (jobs.length - next), error };
}

function startInputs(rate) {
  if (inputTimer) clearInterval(inputTimer);
  const period = 1000 / rate;
  // Spread the clients over the period: one timer walks them in 5 ms steps.
  const due = clients.map(() => now() + Math.random() * period);
  inputTimer = setInterval(() => {
    const at = now();
    for (let i = 0; i < clients.length; i++) {
      if (due[i] <= at) {
        sendInput(clients[i]);
        due[i] += period;
        if (due[i] < at) due[i] = at + period;
      }
    }
  }, 5);
}

function stats() {
  const counted = clients.filter((c) => c.visible > 0);
  return {
    op: 'stats',
    clients: clients.length,
    visibleSum: counted.reduce((sum, c) => sum + c.visible, 0),
    visibleClients: counted.length,
    ...counters,
    // IPC carries the non-empty buckets: a few hundred numbers, not 100,000.
    intervals: sparseHistogram(counters.intervals),
    latencies: sparseHistogram(counters.latencies),
  };
}

process.on('message', (message) => {
  switch (message.op) {
    case 'connect':
      void connectAll(message).then((reply) => process.send(reply));
      break;
    case 'inputs':
      startInputs(message.rate);
      break;
    case 'reset':
      resetCounters();
      process.send({ op: 'reset' });
      break;
    case 'stats':
      process.send(stats());
      break;
    case 'close':
      if (inputTimer) clearInterval(inputTimer);
      for (const client of clients) client.close();
      setTimeout(() => {
        process.send({ op: 'closed' });
        process.exit(0);
      }, 500);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
