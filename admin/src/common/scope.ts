import { readSession } from '../auth/session';
import type { User } from '../types';

/** Roles whose accounts are tied to one village: with village_id set they see only that village. */
const VILLAGE_ROLES = new Set(['coop_manager', 'village_cadre', 'member']);

/** Whether the user sees a single village (so a village filter or column would say nothing). */
export const seesOneVillage = (user: User | undefined | null): boolean =>
  !!user && user.village_id != null && VILLAGE_ROLES.has(user.role);

/** The same, for the signed-in user (the session is read at render time). */
export const useSeesOneVillage = (): boolean => seesOneVillage(readSession()?.user);
