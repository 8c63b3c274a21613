import RunIcon from '@mui/icons-material/Factory';
import {
  DataTable,
  Pagination,
  ReferenceManyField,
  SelectField,
  SelectInput,
  Show,
  TabbedShowLayout,
  TextField,
  usePermissions,
} from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { CropField, LotField, WarehouseField } from '../../common/prodRefs';
import { lotGradeChoices, movementKindChoices, processingKindChoices } from '../../common/productionChoices';
import { VillageField, VillageInput } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField } from '../../common/weights';
import { canRead, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';
import { RunCreate } from './RunForm';

const filters = [
  <SelectInput key="kind" source="kind" choices={processingKindChoices} alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
];

const phone: PhoneRow = {
  primary: () => <CropField source="crop_id" />,
  secondary: () => <SelectField source="kind" choices={processingKindChoices} />,
  tertiary: (r) => r.run_on,
};

const exporter = csvExporter({
  columns: ['id', 'run_on', 'kind', 'crop_id', 'warehouse_id', 'input_kg', 'output_kg', 'loss_kg', 'village_id', 'notes'],
  refs: { crop_id: REF.crop, warehouse_id: REF.warehouse, village_id: REF.village },
});

const RunList = () => (
  <AppList filters={filters} sort={{ field: 'run_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="run_on" field={ZhDateField} />
    <DataTable.Col source="kind" disableSort>
      <SelectField source="kind" choices={processingKindChoices} />
    </DataTable.Col>
    <DataTable.Col source="crop_id" field={CropField} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="input_kg" disableSort>
      <KgField source="input_kg" />
    </DataTable.Col>
    <DataTable.Col source="output_kg" disableSort>
      <KgField source="output_kg" />
    </DataTable.Col>
    <DataTable.Col source="loss_kg" disableSort>
      <KgField source="loss_kg" />
    </DataTable.Col>
  </AppList>
);

const Movements = (_: { label: false }) => (
  <ReferenceManyField reference="stock-movements" target="processing_run_id" sort={{ field: 'moved_at', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick="show">
      <DataTable.Col source="kind">
        <SelectField source="kind" choices={movementKindChoices} />
      </DataTable.Col>
      <DataTable.Col source="lot_id" field={LotField} />
      <DataTable.Col source="from_warehouse_id" field={WarehouseField} />
      <DataTable.Col source="to_warehouse_id" field={WarehouseField} />
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="moved_at" field={ZhDateTimeField} />
    </DataTable>
  </ReferenceManyField>
);

const Outputs = (_: { label: false }) => (
  <ReferenceManyField reference="harvest-lots" target="processing_run_id" sort={{ field: 'code', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick="show">
      <DataTable.Col source="code" />
      <DataTable.Col source="grade">
        <SelectField source="grade" choices={lotGradeChoices} />
      </DataTable.Col>
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="expires_on" field={ZhDateField} />
    </DataTable>
  </ReferenceManyField>
);

const RunShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="app.tab.details">
          <SelectField source="kind" choices={processingKindChoices} />
          <ZhDateField source="run_on" />
          <CropField source="crop_id" link="show" />
          <WarehouseField source="warehouse_id" />
          <VillageField source="village_id" />
          <KgField source="input_kg" tonnes />
          <KgField source="output_kg" tonnes />
          <KgField source="loss_kg" />
          <TextField source="notes" />
        </TabbedShowLayout.Tab>
        {canRead(permissions, 'harvest-lots') && (
          <TabbedShowLayout.Tab label="app.tab.outputs" path="outputs">
            <Outputs label={false} />
          </TabbedShowLayout.Tab>
        )}
        {canRead(permissions, 'stock-movements') && (
          <TabbedShowLayout.Tab label="app.tab.movements" path="movements">
            <Movements label={false} />
          </TabbedShowLayout.Tab>
        )}
      </TabbedShowLayout>
      <RecordMeta />
    </Show>
  );
};

export const processingRuns: ResourceConfig = {
  name: 'processing-runs',
  icon: RunIcon,
  list: RunList,
  show: RunShow,
  create: RunCreate,
  recordRepresentation: (r) => `#${r.id} ${r.run_on}`,
};
