import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../lib/errors';

/** How long a client may take to send a request; all in milliseconds. */
export interface Timeouts {
  /** Headers, then the whole body, must arrive within this (else 408). Default 30 s. */
  requestMs: number;
  /** A connection with no traffic for this long is closed. Default 60 s. */
  connectionMs: number;
}

export const defaultTimeouts: Timeouts = { requestMs: 30_000, connectionMs: 60_000 };

/**
 * Errors Node's HTTP parser meets before a request exists (a request too slow, headers too
 * large, a malformed request line) are answered in the API's error shape too, then the
 * connection is closed, as fastify's default handler does.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex) {
  // A reset connection (or one already gone) has no one to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, errorBody(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time')]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, errorBody(431, 'HEADERS_TOO_LARGE', 'The request headers are too large')]
        : [400, errorBody(400, 'BAD_REQUEST', 'Malformed HTTP request')];
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

/** Fastify's and Node's server options for the given timeouts. */
export function serverTimeoutOptions(t: Timeouts) {
  return {
    clientErrorHandler,
    requestTimeout: t.requestMs,
    connectionTimeout: t.connectionMs,
    http: {
      requestTimeout: t.requestMs,
      headersTimeout: t.requestMs,
      // Node checks the request timeouts every 30 s by default: too coarse for short ones.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(t.requestMs / 4))),
    },
  };
}

/**
 * A request whose headers came but whose body is still arriving has reached no handler:
 * closing the server must not wait for it (a stalled client would hold the shutdown until
 * the grace period ran out). Such connections are cut when the app closes.
 */
export default fp(async function timeoutsPlugin(app: FastifyInstance) {
  const receiving = new Set<IncomingMessage>();
  app.addHook('onRequest', async (req) => {
    const raw = req.raw;
    if (raw.complete) return;
    receiving.add(raw);
    raw.once('end', () => receiving.delete(raw));
    raw.once('close', () => receiving.delete(raw));
  });
  app.addHook('preValidation', async (req) => {
    receiving.delete(req.raw);
  });
  app.addHook('preClose', async () => {
    // (app.inject's requests have no real socket.)
    for (const raw of receiving) if (typeof raw.socket?.destroy === 'function') raw.socket.destroy();
    receiving.clear();
  });
});
