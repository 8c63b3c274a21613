import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, FIELD_ERROR_CODES } from '../server/lib/errors';
import { createTestApp, type TestContext } from './helpers/app';

// The OpenAPI document a client generator or a reader starts from.

type Op = { responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: Record<string, unknown> }> }> };
let t: TestContext;
let doc: { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
});
afterAll(() => t.close());

describe('OpenAPI document', () => {
  it('names the shared shapes once under components.schemas and refers to them', () => {
    for (const name of ['Error', 'Households', 'HouseholdsCreate', 'HouseholdsUpdate', 'Users', 'UsersCreate', 'AuditLog']) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    const list = doc.paths['/api/households'].get.responses['200'];
    expect(list.content!['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Households' } });
    expect(doc.paths['/api/households/{id}'].put.responses['200'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/Households' });
  });

  it('declares the Content-Range header of every list', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const res = ops.get?.responses['200'];
      if (res?.content?.['application/json']?.schema.type === 'array') expect(res.headers, path).toHaveProperty('Content-Range');
    }
    expect(doc.paths['/api/audit-log'].get.responses['200'].headers).toHaveProperty('Content-Range');
  });

  it('lists each route\'s error responses in the one error shape, saying when they happen', () => {
    const put = doc.paths['/api/households/{id}'].put.responses;
    for (const status of ['400', '401', '403', '404', '409']) {
      expect(put[status].content!['application/json'].schema, status).toEqual({ $ref: '#/components/schemas/Error' });
      expect(put[status].description, status).not.toBe('Default Response');
    }
    const verb = doc.paths['/api/users/{id}/change-password'].post.responses;
    expect(Object.keys(verb)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '429']));
  });

  it('documents the error codes: the closed lists as enums, and error_codes beside errors', () => {
    type Prop = { enum?: string[]; properties?: Record<string, Prop>; additionalProperties?: Prop; type?: string; anyOf?: Prop[] };
    const error = doc.components.schemas.Error as Prop;
    expect(error.properties!.code.enum).toEqual([...ERROR_CODES]);
    const entry = error.properties!.error_codes.additionalProperties!;
    expect(entry.properties!.code.enum).toEqual([...FIELD_ERROR_CODES]);
    expect(entry.properties).toHaveProperty('params');
    expect(error.properties!.errors.additionalProperties).toMatchObject({ type: 'string' });
    expect((doc as unknown as { info: { description: string } }).info.description).toMatch(/error_codes/);
  });

  it('states the rules the server enforces, such as area_mu > 0', () => {
    const plot = (doc.components.schemas.PlotsCreateInput ?? doc.components.schemas.PlotsCreate) as { properties: Record<string, { description?: string }> };
    expect(plot.properties.area_mu.description).toMatch(/greater than 0/);
  });
});
