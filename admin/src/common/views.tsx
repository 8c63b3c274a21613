import { useMediaQuery, type Theme } from '@mui/material';
import { Children, isValidElement, type ComponentType, type ReactElement, type ReactNode } from 'react';
import {
  Create,
  CreateButton,
  DataTable,
  Edit,
  FilterButton,
  List,
  Pagination,
  SaveButton,
  SimpleList,
  Toolbar,
  TopToolbar,
  useResourceDefinition,
  type CreateProps,
  type EditProps,
  type RaRecord,
  type SortPayload,
} from 'react-admin';
import { readSession } from '../auth/session';
import { useSeesOneVillage } from './scope';

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

/** What a row shows on a phone: the two or three things that identify it. */
export interface PhoneRow {
  primary: (record: RaRecord) => ReactNode;
  secondary?: (record: RaRecord) => ReactNode;
  tertiary?: (record: RaRecord) => ReactNode;
}

interface AppListProps {
  filters?: ReactElement[];
  sort?: SortPayload;
  /** The phone layout (below the `sm` breakpoint) shows a SimpleList of these instead of the table. */
  phone: PhoneRow;
  children: ReactNode;
}

const sourceOf = (el: unknown): unknown =>
  isValidElement<{ source?: unknown }>(el) ? el.props.source : undefined;

/**
 * List with the console's defaults: 25 rows, filters, clickable rows, no bulk delete; a
 * SimpleList on phones. A user who sees a single village (a manager, cadre or member tied to
 * one) is offered no village filter and no village column: every row would say the same.
 */
export const AppList = ({ filters, sort = { field: 'id', order: 'ASC' }, phone, children }: AppListProps) => {
  const isPhone = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
  const oneVillage = useSeesOneVillage();
  const shownFilters = oneVillage ? filters?.filter((f) => sourceOf(f) !== 'village_id') : filters;
  const columns = oneVillage ? Children.toArray(children).filter((c) => sourceOf(c) !== 'village_id') : children;
  return (
    <List
      filters={shownFilters}
      sort={sort}
      perPage={25}
      actions={<ListActions hasFilters={!!shownFilters?.length} />}
      pagination={<Pagination rowsPerPageOptions={isPhone ? [] : [10, 25, 50, 100]} />}
    >
      {isPhone ? (
        <SimpleList
          className="app-phone-list"
          primaryText={phone.primary}
          secondaryText={phone.secondary}
          tertiaryText={phone.tertiary}
          rowClick="show"
        />
      ) : (
        <DataTable rowClick="show" bulkActionButtons={false}>
          {columns}
        </DataTable>
      )}
    </List>
  );
};

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
