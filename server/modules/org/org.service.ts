import { writeAudit } from '../../lib/audit';
import { auditChange, changesOf, translated, unchanged, type CrudDeps } from '../../lib/crud.service';
import { fieldError, fieldErrors, notFound, validationError } from '../../lib/errors';
import { roleScopeFields, scopeFields, type Role } from '../../lib/policy';
import { assertWithinScope, publicRow, scopeCondition, type Row, type WriteContext } from '../../lib/resource';
import type { Tx } from '../../../db/client';
import { hashPassword, verifyPassword } from '../auth/auth.passwords';
import { findUser, insertUser, stampLogin, updateUser, villageOfCooperative, villageOfHousehold } from './org.repository';
import { userResource as def } from './org.resources';
import type { ChangePasswordBody } from './org.schemas';

/**
 * The rules of accounts, beside the generic reads: a password is stored only as its hash,
 * a role carries exactly the scope fields it needs (a manager's village follows from the
 * cooperative, a member's from the household), and one's own password changes only
 * against the current one.
 */
export function usersService(deps: CrudDeps) {
  const { db, policies } = deps;

  /** Hashes a new password and settles the scope fields of the (possibly new) role. */
  async function settle(tx: Tx, ctx: WriteContext, input: Row, before?: Row): Promise<Row> {
    const out: Row = { ...input };
    delete out.password;
    if (typeof input.password === 'string') out.password_hash = await hashPassword(input.password);
    if (!before && !out.password_hash) throw validationError(fieldErrors({ password: fieldError('required', 'is required') }));

    const touchesScope = 'role' in input || scopeFields.some((f) => f in input);
    if (!touchesScope) return out;
    const merged: Row = { ...before, ...out };
    const role = merged.role as Role;
    const errors = fieldErrors();
    if (role === 'coop_manager' && typeof merged.cooperative_id === 'number') {
      const village = await villageOfCooperative(tx, ctx.user.union_id, merged.cooperative_id);
      if (village === undefined) errors.cooperative_id = fieldError('not_found_reference', 'does not exist or is outside your union');
      else merged.village_id = village;
    }
    if (role === 'member' && typeof merged.household_id === 'number') {
      const village = await villageOfHousehold(tx, ctx.user.union_id, merged.household_id);
      if (village === undefined) errors.household_id = fieldError('not_found_reference', 'does not exist or is outside your union');
      else merged.village_id = village;
    }
    for (const f of scopeFields) {
      if (roleScopeFields[role].includes(f)) {
        if (merged[f] == null) errors[f] ??= fieldError('required_for_role', `is required for the role ${role}`, { role });
        out[f] = merged[f];
      } else out[f] = null;
    }
    if (Object.keys(errors).length) throw validationError(errors);
    return out;
  }

  return {
    async create(ctx: WriteContext, input: Row) {
      const scope = policies.require(ctx.user, def.name, 'create');
      return translated(deps, 'write', () =>
        db.transaction(async (tx) => {
          const values = { ...(await settle(tx, ctx, input)), union_id: ctx.user.union_id };
          assertWithinScope(def, ctx.user, scope, values);
          const row = await insertUser(tx, values);
          await auditChange(tx, ctx, def, 'create', row.id, undefined, row);
          return publicRow(def, row);
        }),
      );
    },

    async update(ctx: WriteContext, id: number, body: Row) {
      const scope = policies.require(ctx.user, def.name, 'update');
      const readScope = scopeCondition(def, ctx.user, policies.require(ctx.user, def.name, 'read'));
      // Setting a password by update is the administrator's reset of someone else's; one's
      // own goes through change-password, which asks for the current one.
      if (body.password !== undefined && id === ctx.user.id) {
        throw validationError(fieldErrors({
          password: fieldError('use_change_password', 'change your own password with change-password, giving the current one'),
        }));
      }
      return translated(deps, 'write', () =>
        db.transaction(async (tx) => {
          const before = await findUser(tx, id, readScope, true);
          if (!before) throw notFound(def.name);
          assertWithinScope(def, ctx.user, scope, before);
          const changes = await settle(tx, ctx, changesOf(def, scope, before, body), before);
          assertWithinScope(def, ctx.user, scope, { ...before, ...changes });
          // Nothing to change (a new password always is one): no new version, no audit entry.
          if (unchanged(def, before, changes)) return publicRow(def, before);
          const row = await updateUser(tx, id, changes);
          await auditChange(tx, ctx, def, 'update', id, before, row);
          return publicRow(def, row);
        }),
      );
    },

    /** `POST /api/users/:id/change-password`: only one's own account, and only with the current password. */
    async changePassword(ctx: WriteContext, id: number, body: ChangePasswordBody) {
      const scope = policies.requireVerb(ctx.user, def.name, 'change-password');
      const readScope = scopeCondition(def, ctx.user, scope);
      return db.transaction(async (tx) => {
        const before = await findUser(tx, id, readScope, true);
        if (!before) throw notFound(def.name);
        if (!(await verifyPassword(before.password_hash as string, body.current_password))) {
          throw validationError(fieldErrors({ current_password: fieldError('wrong_password', 'is not your current password') }), 'The current password is wrong');
        }
        if (body.new_password === body.current_password) {
          throw validationError(fieldErrors({ new_password: fieldError('same_as_current', 'must differ from the current password') }));
        }
        const row = await updateUser(tx, id, { password_hash: await hashPassword(body.new_password) });
        await auditChange(tx, ctx, def, 'change-password', id, before, row);
        return publicRow(def, row);
      });
    },

    /** The sign-in stamp, audited like every change to an account. */
    async recordLogin(user: { id: number; union_id: number; username: string }, requestId: string) {
      await db.transaction(async (tx) => {
        const stamped = await stampLogin(tx, user.id);
        if (!stamped) return;
        await writeAudit(tx, { union_id: user.union_id, user, requestId }, {
          action: 'login', resource: def.name, record_id: user.id,
          before: { last_login_at: stamped.before }, after: { last_login_at: stamped.after },
        });
      });
    },
  };
}

export type UsersService = ReturnType<typeof usersService>;
