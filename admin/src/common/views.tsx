import type { ComponentType, ReactElement, ReactNode } from 'react';
import {
  Create,
  CreateButton,
  DataTable,
  Edit,
  FilterButton,
  List,
  Pagination,
  SaveButton,
  Toolbar,
  TopToolbar,
  useResourceDefinition,
  type CreateProps,
  type EditProps,
  type SortPayload,
} from 'react-admin';
import { readSession } from '../auth/session';

// No export button: the server caps pages at 100 rows, so a client-side export would be
// silently truncated. Create only where the resource declares it (unions do not).
const ListActions = ({ hasFilters }: { hasFilters: boolean }) => {
  const { hasCreate } = useResourceDefinition();
  return (
    <TopToolbar>
      {hasFilters && <FilterButton />}
      {hasCreate && <CreateButton />}
    </TopToolbar>
  );
};

interface AppListProps {
  filters?: ReactElement[];
  sort?: SortPayload;
  children: ReactNode;
}

/** List with the console's defaults: 25 rows, filters, clickable rows, no bulk delete. */
export const AppList = ({ filters, sort = { field: 'id', order: 'ASC' }, children }: AppListProps) => (
  <List
    filters={filters}
    sort={sort}
    perPage={25}
    actions={<ListActions hasFilters={!!filters?.length} />}
    pagination={<Pagination rowsPerPageOptions={[10, 25, 50, 100]} />}
  >
    <DataTable rowClick="show" bulkActionButtons={false}>
      {children}
    </DataTable>
  </List>
);

// Pessimistic: server-side validation errors and STALE_VERSION must reach the form that
// is still on screen, which the default "undoable" mode does not allow.
export const AppEdit = (props: EditProps) => <Edit mutationMode="pessimistic" redirect="show" {...props} />;

interface AppCreateProps extends CreateProps {
  /** The record has a village_id: start it at the user's own village when they have one. */
  inUserVillage?: boolean;
}

export const AppCreate = ({ inUserVillage, record, ...props }: AppCreateProps) => {
  const village = inUserVillage ? readSession()?.user.village_id : null;
  return <Create redirect="show" record={village ? { village_id: village, ...record } : record} {...props} />;
};

/**
 * The edit and create views of a resource, around its one form: `...formViews(Form)` in a
 * ResourceConfig. Per-view props carry defaults and payload transforms.
 */
export function formViews(
  Form: ComponentType,
  opts: { edit?: Omit<EditProps, 'children'>; create?: Omit<AppCreateProps, 'children'> } = {},
) {
  return {
    edit: () => (
      <AppEdit {...opts.edit}>
        <Form />
      </AppEdit>
    ),
    create: () => (
      <AppCreate {...opts.create}>
        <Form />
      </AppCreate>
    ),
  };
}

/** For records the UI may change but never delete (the union). */
export const SaveOnlyToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);
