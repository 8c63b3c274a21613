import PlotIcon from '@mui/icons-material/Grass';
import { DataTable, SearchInput, SelectField, SelectInput, useRecordContext, useTranslate } from 'react-admin';
import { plotKindChoices, plotTenureChoices } from '../../common/choices';
import { TWO_DECIMALS } from '../../common/fields';
import { HouseholdField, HouseholdInput, VillageField, VillageInput } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
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

/** "2.75 亩": the area with its two decimals and unit. */
const AreaMu = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  const area = Number(record?.area_mu);
  if (record?.area_mu == null || Number.isNaN(area)) return null;
  return <>{translate('app.list.area_mu', { area: area.toLocaleString('zh-CN', TWO_DECIMALS) })}</>;
};

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: (r) => r.code,
  tertiary: () => <AreaMu />,
};

const PlotList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone}>
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
