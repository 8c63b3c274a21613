import AccountTreeIcon from '@mui/icons-material/AccountTree';
import PrintIcon from '@mui/icons-material/Print';
import {
  BooleanField,
  Button,
  DataTable,
  Link,
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
import { ExpiryChip } from '../../common/expiry';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { PrefillButton } from '../../common/PrefillButton';
import { RecordMeta } from '../../common/meta';
import { CropField, PlantingField, PlotRef, WarehouseField } from '../../common/prodRefs';
import { lotGradeChoices, lotSourceChoices, movementKindChoices, residueMethodChoices, residueResultChoices, residueStatusChoices } from '../../common/productionChoices';
import { HouseholdField, VillageField } from '../../common/refs';
import { KgField, YuanField } from '../../common/weights';
import { canDo, canRead, type Permissions } from '../../types';
import { mayTrace } from '../../trace/routes';
import { Genealogy } from './Genealogy';

const Actions = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  if (!record) return null;
  return (
    <TopToolbar>
      <Button component={Link} to={`/labels?ids=${record.id}`} label="app.labels.print_one">
        <PrintIcon />
      </Button>
      {mayTrace(permissions) && (
        <Button component={Link} to={`/trace/${encodeURIComponent(String(record.code))}`} label="app.trace.button">
          <AccountTreeIcon />
        </Button>
      )}
      {canDo(permissions, 'stock-movements', 'create') && (
        <PrefillButton pathname="/stock-movements/create" source={{ kind: 'receive', lot_id: record.id }} label="app.stock.receive" />
      )}
      {canDo(permissions, 'residue-tests', 'create') && (
        <PrefillButton pathname="/residue-tests/create" source={{ lot_id: record.id }} label="app.lot.add_test" />
      )}
    </TopToolbar>
  );
};

const Tests = (_: { label: false }) => (
  <ReferenceManyField reference="residue-tests" target="lot_id" sort={{ field: 'tested_on', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="tested_on" field={ZhDateField} />
      <DataTable.Col source="method">
        <SelectField source="method" choices={residueMethodChoices} />
      </DataTable.Col>
      <DataTable.Col source="result">
        <SelectField source="result" choices={residueResultChoices} />
      </DataTable.Col>
      <DataTable.Col source="value" />
      <DataTable.Col source="tested_by" />
    </DataTable>
  </ReferenceManyField>
);

const Movements = (_: { label: false }) => (
  <ReferenceManyField reference="stock-movements" target="lot_id" sort={{ field: 'moved_at', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="moved_at" field={ZhDateTimeField} />
      <DataTable.Col source="kind">
        <SelectField source="kind" choices={movementKindChoices} />
      </DataTable.Col>
      <DataTable.Col source="from_warehouse_id" field={WarehouseField} />
      <DataTable.Col source="to_warehouse_id" field={WarehouseField} />
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="reason" />
    </DataTable>
  </ReferenceManyField>
);

export const LotShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show actions={<Actions />}>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="app.tab.details">
          <TextField source="code" />
          <SelectField source="source" choices={lotSourceChoices} />
          <CropField source="crop_id" link="show" />
          <PlantingField source="planting_id" />
          <PlotRef source="plot_id" />
          <VillageField source="village_id" />
          <HouseholdField source="household_id" />
          <ZhDateField source="harvested_on" />
          <SelectField source="grade" choices={lotGradeChoices} />
          <KgField source="quantity_kg" tonnes />
          <YuanField source="intake_price" />
          <YuanField source="intake_amount" />
          <BooleanField source="is_member" />
          <ZhDateField source="expires_on" />
          <ExpiryChip label="resources.harvest-lots.fields.days_left" />
          <KgField source="received_kg" />
          <SelectField source="residue_status" choices={residueStatusChoices} />
          <TextField source="notes" />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="app.tab.genealogy" path="genealogy">
          <Genealogy label={false} />
        </TabbedShowLayout.Tab>
        {canRead(permissions, 'residue-tests') && (
          <TabbedShowLayout.Tab label="app.tab.residue" path="residue">
            <Tests label={false} />
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
