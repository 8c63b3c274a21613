import PlantingIcon from '@mui/icons-material/Agriculture';
import { AutocompleteInput, DataTable, DateInput, ReferenceInput, SelectArrayInput, SelectField } from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { TWO_DECIMALS, ZhDateField } from '../../common/fields';
import { CropField, PlotRef } from '../../common/prodRefs';
import { plantingStatusChoices } from '../../common/productionChoices';
import { HouseholdField, HouseholdInput, VillageField, VillageInput, VillageName } from '../../common/refs';
import { KgField } from '../../common/weights';
import { AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';
import { HarvestableField } from './Harvestable';
import { plantingViews } from './PlantingForm';
import { PlantingShow } from './PlantingShow';

const filters = [
  <SelectArrayInput key="status" source="status" choices={plantingStatusChoices} alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <ReferenceInput key="crop_id" source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
    <AutocompleteInput />
  </ReferenceInput>,
  <ReferenceInput key="plot_id" source="plot_id" reference="plots" sort={{ field: 'code', order: 'ASC' }}>
    <AutocompleteInput />
  </ReferenceInput>,
  <HouseholdInput key="household_id" source="household_id" />,
  <DateInput key="planted_on_gte" source="planted_on_gte" />,
  <DateInput key="planted_on_lte" source="planted_on_lte" />,
];

const phone: PhoneRow = {
  primary: () => (
    <>
      <PlotRef link={false} /> · <CropField source="crop_id" />
    </>
  ),
  secondary: () => <HarvestableField />,
  tertiary: () => <VillageName />,
};

const exporter = csvExporter({
  columns: [
    'id', 'village_id', 'plot_id', 'household_id', 'crop_id', 'area_mu', 'planted_on', 'expected_harvest_from',
    'expected_harvest_to', 'expected_yield_kg', 'status', 'harvestable_from', 'harvested_kg', 'finished_on', 'notes',
  ],
  refs: { village_id: REF.village, plot_id: REF.plot, household_id: REF.household, crop_id: REF.crop },
});

const PlantingList = () => (
  <AppList filters={filters} sort={{ field: 'planted_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="plot_id">
      <PlotRef source="plot_id" link={false} />
    </DataTable.Col>
    <DataTable.Col source="crop_id" field={CropField} />
    <DataTable.Col source="village_id">
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="household_id" disableSort>
      <HouseholdField source="household_id" />
    </DataTable.Col>
    <DataTable.NumberCol source="area_mu" locales="zh-CN" options={TWO_DECIMALS} disableSort />
    <DataTable.Col source="planted_on" field={ZhDateField} />
    <DataTable.Col source="status">
      <SelectField source="status" choices={plantingStatusChoices} />
    </DataTable.Col>
    <DataTable.Col source="harvestable_from">
      <HarvestableField />
    </DataTable.Col>
    <DataTable.Col source="harvested_kg" disableSort>
      <KgField source="harvested_kg" />
    </DataTable.Col>
  </AppList>
);

export const plantings: ResourceConfig = {
  name: 'plantings',
  icon: PlantingIcon,
  list: PlantingList,
  show: PlantingShow,
  ...plantingViews,
  recordRepresentation: (r) => `#${r.id} ${r.planted_on ?? ''}`,
};
