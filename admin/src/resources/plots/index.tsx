import PlotIcon from '@mui/icons-material/Grass';
import { DataTable, SearchInput, SelectField, SelectInput } from 'react-admin';
import { plotKindChoices, plotTenureChoices } from '../../common/choices';
import { TWO_DECIMALS } from '../../common/fields';
import { HouseholdField, HouseholdInput, VillageField, VillageInput } from '../../common/refs';
import { AppList } from '../../common/views';
import type { ResourceConfig } from '../types';
import { plotViews } from './PlotForm';
import { PlotShow } from './PlotShow';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <HouseholdInput key="household_id" source="household_id" />,
  <SelectInput key="kind" source="kind" choices={plotKindChoices} />,
  <SelectInput key="tenure" source="tenure" choices={plotTenureChoices} />,
];

const PlotList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="village_id">
      <VillageField />
    </DataTable.Col>
    <DataTable.Col source="tenure">
      <SelectField source="tenure" choices={plotTenureChoices} />
    </DataTable.Col>
    <DataTable.Col source="household_id">
      <HouseholdField />
    </DataTable.Col>
    <DataTable.Col source="kind">
      <SelectField source="kind" choices={plotKindChoices} />
    </DataTable.Col>
    <DataTable.NumberCol source="area_mu" locales="zh-CN" options={TWO_DECIMALS} />
  </AppList>
);

export const plots: ResourceConfig = {
  name: 'plots',
  icon: PlotIcon,
  list: PlotList,
  show: PlotShow,
  ...plotViews,
  recordRepresentation: (r) => `${r.code} ${r.name}`,
};
