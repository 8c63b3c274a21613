import { Admin, CustomRoutes, Resource, reactRouterProvider } from 'react-admin';
import { CHANGE_PASSWORD_PATH, ChangePassword, mayChangePassword } from './account/ChangePassword';
import { authProvider } from './authProvider';
import { Dashboard } from './Dashboard';
import { dataProvider } from './dataProvider';
import { i18nProvider } from './i18n';
import { Layout } from './layout/Layout';
import { resources } from './resources';
import { harvestRoutes } from './resources/harvest-lots/routes';
import { traceRoutes } from './trace/routes';
import { canDo, canRead, type Permissions } from './types';

const { Route } = reactRouterProvider;

// Only what the user may read is declared, so the menu and the routes fit the role;
// edit/create routes exist only with those rights (canAccess also hides their buttons).
const declare = (permissions: Permissions | undefined) => [
  ...resources
    .filter((r) => canRead(permissions, r.name))
    .map((r) => {
      const edit = canDo(permissions, r.name, 'edit');
      const create = canDo(permissions, r.name, 'create');
      return (
        <Resource
          key={r.name}
          name={r.name}
          icon={r.icon}
          list={r.list}
          show={r.show}
          edit={edit ? r.edit : undefined}
          create={create ? r.create : undefined}
          recordRepresentation={r.recordRepresentation}
        />
      );
    }),
  // The user's own screens, inside the layout (menu, app bar) like the resources.
  mayChangePassword(permissions) && (
    <CustomRoutes key="account">
      <Route path={CHANGE_PASSWORD_PATH} element={<ChangePassword />} />
    </CustomRoutes>
  ),
  // The quick harvest form, lot labels and the CSV import (each for the rights it needs).
  <CustomRoutes key="harvest">{harvestRoutes(permissions)}</CustomRoutes>,
  // 追溯 and 召回 (traceability and recall).
  <CustomRoutes key="trace">{traceRoutes(permissions)}</CustomRoutes>,
];

export const App = () => (
  <Admin
    title="绿江之航"
    dataProvider={dataProvider}
    authProvider={authProvider}
    i18nProvider={i18nProvider}
    layout={Layout}
    dashboard={Dashboard}
    requireAuth
    disableTelemetry
  >
    {declare}
  </Admin>
);
