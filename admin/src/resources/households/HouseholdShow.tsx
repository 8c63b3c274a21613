import {
  BooleanField,
  DataTable,
  Pagination,
  ReferenceManyField,
  SelectField,
  Show,
  TabbedShowLayout,
  TextField,
  usePermissions,
} from 'react-admin';
import { genderChoices, plotKindChoices } from '../../common/choices';
import { ChoiceChipsField, DecimalField, TWO_DECIMALS, ZhDateField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { VillageField } from '../../common/refs';
import { canRead, type Permissions } from '../../types';

// `label={false}` is read by the tab's Labeled wrapper: the tab title already names the table.
interface TableProps {
  label: false;
}

const Members = (_: TableProps) => (
  <ReferenceManyField reference="people" target="household_id" sort={{ field: 'name', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="name" />
      <DataTable.Col source="gender">
        <SelectField source="gender" choices={genderChoices} />
      </DataTable.Col>
      <DataTable.Col source="birth_year" />
      <DataTable.Col source="phone" />
      <DataTable.Col source="roles" disableSort>
        <ChoiceChipsField source="roles" set="person_role" />
      </DataTable.Col>
    </DataTable>
  </ReferenceManyField>
);

const Plots = (_: TableProps) => (
  <ReferenceManyField reference="plots" target="household_id" sort={{ field: 'code', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="code" />
      <DataTable.Col source="name" />
      <DataTable.Col source="kind">
        <SelectField source="kind" choices={plotKindChoices} />
      </DataTable.Col>
      <DataTable.NumberCol source="area_mu" locales="zh-CN" options={TWO_DECIMALS} />
      <DataTable.Col source="location" />
    </DataTable>
  </ReferenceManyField>
);

// Tabs for people and plots appear only to users who may read them, so that a role
// without that right does not meet a 403 on the household page.
export const HouseholdShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="app.tab.details">
          <TextField source="code" />
          <TextField source="head_name" />
          <VillageField source="village_id" />
          <TextField source="phone" />
          <TextField source="address" />
          <BooleanField source="is_member" />
          <DecimalField source="capital_contributed" />
          <ZhDateField source="joined_on" />
        </TabbedShowLayout.Tab>
        {canRead(permissions, 'people') && (
          <TabbedShowLayout.Tab label="app.tab.people" path="people">
            <Members label={false} />
          </TabbedShowLayout.Tab>
        )}
        {canRead(permissions, 'plots') && (
          <TabbedShowLayout.Tab label="app.tab.plots" path="plots">
            <Plots label={false} />
          </TabbedShowLayout.Tab>
        )}
      </TabbedShowLayout>
      <RecordMeta />
    </Show>
  );
};
