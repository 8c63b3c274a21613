import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** How long a client may take to send a request; all in milliseconds. */
export interface Timeouts {
  /** Headers, then the whole body, must arrive within this (else 408). Default 30 s. */
  requestMs: number;
  /** A connection with no traffic for this long is closed. Default 60 s. */
  connectionMs: number;
}

export const defaultTimeouts: Timeouts = { requestMs: 30_000, connectionMs: 60_000 };

/** Fastify's and Node's server options for the given timeouts. */
export function serverTimeoutOptions(t: Timeouts) {
  return {
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
