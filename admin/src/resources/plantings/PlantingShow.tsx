import {
  DataTable,
  EditButton,
  Pagination,
  ReferenceManyField,
  SelectField,
  Show,
  TabbedShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { DecimalField, TWO_DECIMALS, ZhDateField } from '../../common/fields';
import { PrefillButton } from '../../common/PrefillButton';
import { RecordMeta } from '../../common/meta';
import { CropField, PlotRef } from '../../common/prodRefs';
import { inputKindChoices, lotGradeChoices, plantingStatusChoices } from '../../common/productionChoices';
import { HouseholdField, VillageField } from '../../common/refs';
import { KgField, YuanField } from '../../common/weights';
import { canDo, canRead, type Permissions } from '../../types';
import { CorrectedMark } from '../input-applications/CorrectedMark';
import { HarvestableField } from './Harvestable';

interface TableProps {
  label: false;
}

const Inputs = (_: TableProps) => (
  <ReferenceManyField reference="input-applications" target="planting_id" sort={{ field: 'applied_on', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="applied_on" field={ZhDateField} />
      <DataTable.Col source="kind">
        <SelectField source="kind" choices={inputKindChoices} />
      </DataTable.Col>
      <DataTable.Col source="product" />
      <DataTable.Col source="dose" />
      <DataTable.Col source="dose_unit" />
      <DataTable.Col source="pre_harvest_interval_days" />
      <DataTable.Col source="safe_from" field={ZhDateField} />
      <DataTable.Col source="corrected_by_id" label="app.input.status" field={CorrectedMark} />
    </DataTable>
  </ReferenceManyField>
);

const Lots = (_: TableProps) => (
  <ReferenceManyField reference="harvest-lots" target="planting_id" sort={{ field: 'harvested_on', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="code" />
      <DataTable.Col source="harvested_on" field={ZhDateField} />
      <DataTable.Col source="grade">
        <SelectField source="grade" choices={lotGradeChoices} />
      </DataTable.Col>
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="intake_amount">
        <YuanField source="intake_amount" />
      </DataTable.Col>
    </DataTable>
  </ReferenceManyField>
);

/** Record an application or a harvest on this planting: the forms open prefilled. */
const Actions = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  return (
    <TopToolbar>
      {record && canDo(permissions, 'input-applications', 'create') && (
        <PrefillButton pathname="/input-applications/create" source={{ planting_id: record.id }} label="app.planting.add_input" />
      )}
      {record && record.status !== 'finished' && canDo(permissions, 'harvest-lots', 'create') && (
        <PrefillButton pathname={`/quick-harvest?planting_id=${record.id}`} label="app.planting.add_harvest" />
      )}
      {canDo(permissions, 'plantings', 'edit') && <EditButton />}
    </TopToolbar>
  );
};

export const PlantingShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show actions={<Actions />}>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="app.tab.details">
          <PlotRef source="plot_id" />
          <CropField source="crop_id" link="show" />
          <VillageField source="village_id" />
          <HouseholdField source="household_id" />
          <DecimalField source="area_mu" options={TWO_DECIMALS} />
          <ZhDateField source="planted_on" />
          <HarvestableField label="resources.plantings.fields.harvestable_from" size="medium" />
          <SelectField source="status" choices={plantingStatusChoices} />
          <ZhDateField source="expected_harvest_from" />
          <ZhDateField source="expected_harvest_to" />
          <KgField source="expected_yield_kg" />
          <KgField source="harvested_kg" tonnes />
          <ZhDateField source="finished_on" />
          <TextField source="notes" />
        </TabbedShowLayout.Tab>
        {canRead(permissions, 'input-applications') && (
          <TabbedShowLayout.Tab label="app.tab.inputs" path="inputs">
            <Inputs label={false} />
          </TabbedShowLayout.Tab>
        )}
        {canRead(permissions, 'harvest-lots') && (
          <TabbedShowLayout.Tab label="app.tab.lots" path="lots">
            <Lots label={false} />
          </TabbedShowLayout.Tab>
        )}
      </TabbedShowLayout>
      <RecordMeta />
    </Show>
  );
};
