import { reactRouterProvider } from 'react-admin';
import { canDo, canRead, type Permissions } from '../../types';
import { ImportPage } from './ImportPage';
import { LabelsPage } from './LabelsPage';
import { QuickHarvest } from './QuickHarvest';

const { Route } = reactRouterProvider;

export const QUICK_HARVEST_PATH = '/quick-harvest';

/** The harvest screens outside the resource's own routes, for the rights the user has. */
export const harvestRoutes = (permissions: Permissions | undefined) => [
  canDo(permissions, 'harvest-lots', 'create') && <Route key="quick" path={QUICK_HARVEST_PATH} element={<QuickHarvest />} />,
  canDo(permissions, 'harvest-lots', 'create') && <Route key="import" path="/harvest-lots/import" element={<ImportPage />} />,
  canRead(permissions, 'harvest-lots') && <Route key="labels" path="/labels" element={<LabelsPage />} />,
];
