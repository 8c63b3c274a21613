import { reactRouterProvider } from 'react-admin';
import { readSession } from '../auth/session';
import { canRead, type Permissions } from '../types';
import { RecallPage } from './RecallPage';
import { TracePage } from './TracePage';

const { Route } = reactRouterProvider;

/** Roles offered the recall screen (the server also lets a village cadre run one). */
const RECALL_ROLES = new Set(['union_admin', 'union_sales', 'coop_manager']);

export const mayTrace = (permissions: Permissions | undefined) => canRead(permissions, 'trace');
export const mayRecall = (permissions: Permissions | undefined) =>
  mayTrace(permissions) && RECALL_ROLES.has(readSession()?.user.role ?? '');

/** 追溯 (`#/trace`, `#/trace/:code`) and 召回 (`#/recall`), for those who may trace. */
export const traceRoutes = (permissions: Permissions | undefined) => [
  mayTrace(permissions) && <Route key="trace" path="/trace" element={<TracePage />} />,
  mayTrace(permissions) && <Route key="trace-code" path="/trace/:code" element={<TracePage />} />,
  mayRecall(permissions) && <Route key="recall" path="/recall" element={<RecallPage />} />,
];
