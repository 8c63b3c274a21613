import LotIcon from '@mui/icons-material/Inventory2';
import PrintIcon from '@mui/icons-material/Print';
import UploadIcon from '@mui/icons-material/UploadFile';
import BoltIcon from '@mui/icons-material/Bolt';
import {
  AutocompleteInput,
  Button,
  DataTable,
  DateInput,
  Link,
  NullableBooleanInput,
  ReferenceInput,
  SearchInput,
  SelectField,
  SelectInput,
  useListContext,
  usePermissions,
} from 'react-admin';
import { ExpiryChip } from '../../common/expiry';
import { csvExporter, REF } from '../../common/export';
import { ZhDateField } from '../../common/fields';
import { CropField } from '../../common/prodRefs';
import { lotGradeChoices, lotSourceChoices, residueStatusChoices } from '../../common/productionChoices';
import { HouseholdField, HouseholdInput, VillageField, VillageInput } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, KgText, toNumber, YuanField } from '../../common/weights';
import { canDo, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';
import { LotShow } from './LotShow';
import { LotTotals } from './LotTotals';
import { QuickHarvest } from './QuickHarvest';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <ReferenceInput key="crop_id" source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
    <AutocompleteInput />
  </ReferenceInput>,
  <SelectInput key="grade" source="grade" choices={lotGradeChoices} />,
  <HouseholdInput key="household_id" source="household_id" />,
  <SelectInput key="source" source="source" choices={lotSourceChoices} />,
  <SelectInput key="residue_status" source="residue_status" choices={residueStatusChoices} />,
  <NullableBooleanInput key="is_member" source="is_member" />,
  <DateInput key="harvested_on_gte" source="harvested_on_gte" />,
  <DateInput key="harvested_on_lte" source="harvested_on_lte" />,
];

const phone: PhoneRow = {
  primary: (r) => r.code,
  secondary: (r) => (
    <>
      <CropField source="crop_id" /> · <KgText kg={toNumber(r.quantity_kg) ?? 0} />
    </>
  ),
  tertiary: () => <ExpiryChip />,
};

const exporter = csvExporter({
  columns: [
    'code', 'village_id', 'source', 'planting_id', 'plot_id', 'household_id', 'crop_id', 'harvested_on', 'grade', 'quantity_kg',
    'intake_price', 'intake_amount', 'is_member', 'expires_on', 'days_left', 'received_kg', 'residue_status', 'processing_run_id', 'notes',
  ],
  refs: { village_id: REF.village, household_id: REF.household, crop_id: REF.crop, plot_id: REF.plot },
});

/** Bulk action: the selected lots' labels, on their printable page. */
const PrintLabelsButton = () => {
  const { selectedIds } = useListContext();
  return (
    <Button component={Link} to={`/labels?ids=${selectedIds.join(',')}`} label="app.labels.print_selected">
      <PrintIcon />
    </Button>
  );
};

const HarvestActions = () => {
  const { permissions } = usePermissions<Permissions>();
  if (!canDo(permissions, 'harvest-lots', 'create')) return null;
  return (
    <>
      <Button component={Link} to="/quick-harvest" label="app.menu.quick_harvest">
        <BoltIcon />
      </Button>
      <Button component={Link} to="/harvest-lots/import" label="app.import.button">
        <UploadIcon />
      </Button>
    </>
  );
};

const LotList = () => (
  <AppList
    filters={filters}
    sort={{ field: 'harvested_on', order: 'DESC' }}
    phone={phone}
    exporter={exporter}
    header={<LotTotals />}
    actions={<HarvestActions />}
    bulkActionButtons={<PrintLabelsButton />}
  >
    <DataTable.Col source="code" />
    <DataTable.Col source="harvested_on" field={ZhDateField} />
    <DataTable.Col source="village_id">
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="crop_id" field={CropField} />
    <DataTable.Col source="household_id">
      <HouseholdField source="household_id" />
    </DataTable.Col>
    <DataTable.Col source="grade" disableSort>
      <SelectField source="grade" choices={lotGradeChoices} />
    </DataTable.Col>
    <DataTable.Col source="quantity_kg">
      <KgField source="quantity_kg" />
    </DataTable.Col>
    <DataTable.Col source="intake_amount" disableSort>
      <YuanField source="intake_amount" />
    </DataTable.Col>
    <DataTable.Col source="residue_status" disableSort>
      <SelectField source="residue_status" choices={residueStatusChoices} />
    </DataTable.Col>
    <DataTable.Col source="expires_on" label="resources.harvest-lots.fields.days_left" field={ExpiryChip} />
  </AppList>
);

export const harvestLots: ResourceConfig = {
  name: 'harvest-lots',
  icon: LotIcon,
  list: LotList,
  show: LotShow,
  // The quick harvest form is the create page too: one form, phone or desk.
  create: QuickHarvest,
  recordRepresentation: (r) => String(r.code),
};
