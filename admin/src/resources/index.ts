import { auditLog } from './audit-log';
import { buyers } from './buyers';
import { cooperatives } from './cooperatives';
import { households } from './households';
import { people } from './people';
import { plots } from './plots';
import type { ResourceConfig } from './types';
import { unions } from './unions';
import { users } from './users';
import { villages } from './villages';

/** Menu order: the land and its people first, then trade, then administration. */
export const resources: ResourceConfig[] = [
  villages,
  cooperatives,
  households,
  people,
  plots,
  buyers,
  users,
  unions,
  auditLog,
];
