import { useMediaQuery, type Theme } from '@mui/material';
import { Children, isValidElement, type ComponentType, type ReactElement, type ReactNode } from 'react';
import {
  Create,
  CreateButton,
  DataTable,
  Edit,
  ExportButton,
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
  type Exporter,
  type RaRecord,
  type SortPayload,
} from 'react-admin';
import { readSession } from '../auth/session';
import { csvExporter, EXPORT_MAX } from './export';
import { useSeesOneVillage } from './scope';

// The export reads every page (meta.exportAll: the server caps a page at 100 rows, see
// common/export.ts). Create only where the resource declares it (unions do not).
const ListActions = ({ hasFilters, extra }: { hasFilters: boolean; extra?: ReactNode }) => {
  const { hasCreate } = useResourceDefinition();
  return (
    <TopToolbar>
      {hasFilters && <FilterButton />}
      {extra}
      {hasCreate && <CreateButton />}
      <ExportButton maxResults={EXPORT_MAX} meta={{ exportAll: true }} />
    </TopToolbar>
  );
};

/** Every column of the records, for lists that name none. */
const allColumns = csvExporter({});

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
  /** CSV export (csvExporter); every column when not given. */
  exporter?: Exporter;
  /** More buttons in the list's toolbar. */
  actions?: ReactNode;
  /** Bulk actions on selected rows (desktop table); none when not given. */
  bulkActionButtons?: ReactNode;
  /** Shown above the rows, inside the list's context (a totals bar for the current filter). */
  header?: ReactNode;
  filterDefaultValues?: Record<string, unknown>;
  /** A fixed filter (a member's own records...). */
  filter?: Record<string, unknown>;
}

const sourceOf = (el: unknown): unknown =>
  isValidElement<{ source?: unknown }>(el) ? el.props.source : undefined;

/**
 * List with the console's defaults: 25 rows, filters, clickable rows, no bulk delete; a
 * SimpleList on phones. A user who sees a single village (a manager, cadre or member tied to
 * one) is offered no village filter and no village column: every row would say the same.
 */
export const AppList = ({
  filters, sort = { field: 'id', order: 'ASC' }, phone, children, exporter, actions, bulkActionButtons, header, filterDefaultValues, filter,
}: AppListProps) => {
  const isPhone = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
  const oneVillage = useSeesOneVillage();
  const shownFilters = oneVillage ? filters?.filter((f) => sourceOf(f) !== 'village_id') : filters;
  const columns = oneVillage ? Children.toArray(children).filter((c) => sourceOf(c) !== 'village_id') : children;
  return (
    <List
      filters={shownFilters}
      sort={sort}
      perPage={25}
      exporter={exporter ?? allColumns}
      filterDefaultValues={filterDefaultValues}
      filter={filter}
      actions={<ListActions hasFilters={!!shownFilters?.length} extra={actions} />}
      pagination={<Pagination rowsPerPageOptions={isPhone ? [] : [10, 25, 50, 100]} />}
    >
      {header}
      {isPhone ? (
        <SimpleList
          className="app-phone-list"
          primaryText={phone.primary}
          secondaryText={phone.secondary}
          tertiaryText={phone.tertiary}
          rowClick="show"
        />
      ) : (
        <DataTable rowClick="show" bulkActionButtons={bulkActionButtons ?? false}>
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
