import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { cooperatives, households } from '../../../db/schema/index';
import { validationError, type FieldErrors } from '../../lib/errors';
import type { Role } from '../../lib/policy';
import type { Row, WriteContext } from '../../lib/resource';
import { hashPassword } from '../auth/auth.passwords';

const scopeFields = ['cooperative_id', 'village_id', 'household_id', 'buyer_id'] as const;
/** Which scope fields each role needs; the others must be empty (the database checks it too). */
const needs: Record<Role, readonly (typeof scopeFields)[number][]> = {
  union_admin: [],
  union_sales: [],
  coop_manager: ['cooperative_id', 'village_id'],
  village_cadre: ['village_id'],
  buyer: ['buyer_id'],
  member: ['household_id', 'village_id'],
};

/**
 * Users: hash the password, derive the village a manager's cooperative or a member's
 * household lies in, and clear scope fields the role does not use.
 */
export async function prepareUser(db: DbOrTx, ctx: WriteContext, input: Row, before?: Row): Promise<Row> {
  const out: Row = { ...input };
  if (typeof input.password === 'string') out.password_hash = await hashPassword(input.password);
  delete out.password;
  if (!before && !out.password_hash) throw validationError({ password: 'is required' });

  const touchesScope = 'role' in input || scopeFields.some((f) => f in input);
  if (!touchesScope) return out;
  const merged = { ...before, ...out } as Row;
  const role = merged.role as Role;
  const errors: FieldErrors = {};

  if (role === 'coop_manager' && typeof merged.cooperative_id === 'number') {
    const [coop] = await db.select({ village_id: cooperatives.village_id }).from(cooperatives)
      .where(and(eq(cooperatives.id, merged.cooperative_id), eq(cooperatives.union_id, ctx.user.union_id)));
    if (!coop) errors.cooperative_id = 'does not exist or is outside your union';
    else merged.village_id = coop.village_id;
  }
  if (role === 'member' && typeof merged.household_id === 'number') {
    const [hh] = await db.select({ village_id: households.village_id }).from(households)
      .where(and(eq(households.id, merged.household_id), eq(households.union_id, ctx.user.union_id)));
    if (!hh) errors.household_id = 'does not exist or is outside your union';
    else merged.village_id = hh.village_id;
  }
  for (const f of scopeFields) {
    if (needs[role].includes(f)) {
      if (merged[f] == null) errors[f] ??= `is required for the role ${role}`;
      out[f] = merged[f];
    } else out[f] = null;
  }
  if (Object.keys(errors).length) throw validationError(errors);
  return out;
}
