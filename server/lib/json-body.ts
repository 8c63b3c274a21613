import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, fieldError, fieldErrors } from './errors';

/** The charset parameter of a Content-Type header, unquoted, or undefined when there is none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  for (const param of (contentType ?? '').split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/**
 * JSON bodies are read as UTF-8 only: a body declared in another charset (utf-16, latin1...)
 * would be decoded wrongly and stored garbled, so it answers 415 instead. Otherwise the
 * default parser runs unchanged (prototype poisoning refused, body limit kept).
 */
export default fp(async function jsonBody(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `JSON bodies must be UTF-8, not ${charset.slice(0, 40)}`, fieldErrors({
        'Content-Type': fieldError('unsupported_charset', 'charset must be utf-8', { charset: charset.slice(0, 40) }),
      })), undefined);
      return;
    }
    parseJson(req, body as string, done);
  });
});
