import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';
import StoreIcon from '@mui/icons-material/LocalGroceryStore';
import { Box, Typography } from '@mui/material';
import { lazy, Suspense } from 'react';
import {
  DataTable,
  SelectField,
  Show,
  SimpleShowLayout,
  usePermissions,
  useRecordContext,
  useTranslate,
  type RaRecord,
} from 'react-admin';
import { useMonthDay } from '../../common/dates';
import { csvExporter, REF } from '../../common/export';
import { PrefillButton } from '../../common/PrefillButton';
import { CropField } from '../../common/prodRefs';
import { lotGradeChoices } from '../../common/productionChoices';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, toNumber, useKgText, useTonnesText, YuanField } from '../../common/weights';
import { canDo, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';

interface ForecastDay {
  day: string;
  kg: string;
}

const ForecastBars = lazy(() => import('./ForecastBars'));

/** The 14-day forecast of a listing as bars of kg per day: small in a list row, larger on its page. */
export const ForecastChart = ({ large }: { large?: boolean; label?: string }) => {
  const record = useRecordContext();
  const monthDay = useMonthDay();
  const translate = useTranslate();
  if (!record) return null;
  const data = ((record.forecast ?? []) as ForecastDay[]).map((f) => ({ day: monthDay(f.day), kg: toNumber(f.kg) ?? 0 }));
  return (
    <Box data-testid="forecast-chart" sx={{ width: large ? '100%' : 160, maxWidth: large ? 720 : undefined, height: large ? 240 : 40 }}>
      <Suspense fallback={null}>
        <ForecastBars data={data} large={large} name={translate('resources.supply-listings.fields.forecast')} />
      </Suspense>
    </Box>
  );
};

/** Available kg as "1,250 kg（2,500 斤）· 1.25 吨". */
const Available = (_: { label?: string }) => {
  const record = useRecordContext();
  const kgText = useKgText();
  const tText = useTonnesText();
  const kg = toNumber(record?.available_kg) ?? 0;
  return (
    <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
      {kgText(kg)} · {tText(kg)}
    </Box>
  );
};

const Villages = (_: { label?: string }) => {
  const record = useRecordContext();
  return <span>{((record?.origin_villages ?? []) as string[]).join('、')}</span>;
};

/** 下单: the order form, with this listing's crop and grade on its first line. */
export const OrderButton = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  if (!record || !canDo(permissions, 'orders', 'create')) return null;
  return (
    <Box component="span" onClick={(e) => e.stopPropagation()}>
      <PrefillButton
        pathname="/orders/create"
        source={{ lines: [{ listing: `${record.crop_id}:${record.grade}`, quantity_kg: toNumber(record.min_order_kg) ?? undefined }] }}
        label="app.sales.order"
        icon={<ShoppingCartIcon />}
      />
    </Box>
  );
};

const phone: PhoneRow = {
  primary: () => (
    <>
      <CropField source="crop_id" /> · <SelectField source="grade" choices={lotGradeChoices} />
    </>
  ),
  secondary: () => (
    <>
      <YuanField source="price_per_kg" /> · <Available />
    </>
  ),
  tertiary: () => <ForecastChart />,
};

const exporter = csvExporter({
  columns: ['id', 'crop_id', 'grade', 'price_per_kg', 'min_order_kg', 'available_kg', 'origin_villages'],
  refs: { crop_id: REF.crop },
});

const SupplyList = () => (
  <AppList sort={{ field: 'id', order: 'ASC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="crop_id" field={CropField} disableSort />
    <DataTable.Col source="grade" disableSort>
      <SelectField source="grade" choices={lotGradeChoices} />
    </DataTable.Col>
    <DataTable.Col source="price_per_kg" disableSort>
      <YuanField source="price_per_kg" />
    </DataTable.Col>
    <DataTable.Col source="min_order_kg" disableSort>
      <KgField source="min_order_kg" />
    </DataTable.Col>
    <DataTable.Col source="available_kg" disableSort>
      <Available />
    </DataTable.Col>
    <DataTable.Col source="origin_villages" disableSort>
      <Villages />
    </DataTable.Col>
    <DataTable.Col source="forecast" disableSort>
      <ForecastChart />
    </DataTable.Col>
    <DataTable.Col label="app.sales.order" disableSort>
      <OrderButton />
    </DataTable.Col>
  </AppList>
);

const Title = () => {
  const translate = useTranslate();
  return <Typography variant="subtitle2">{translate('app.sales.forecast')}</Typography>;
};

const SupplyShow = () => (
  <Show actions={false}>
    <SimpleShowLayout>
      <CropField source="crop_id" />
      <SelectField source="grade" choices={lotGradeChoices} />
      <YuanField source="price_per_kg" />
      <KgField source="min_order_kg" />
      <Available label="resources.supply-listings.fields.available_kg" />
      <Villages label="resources.supply-listings.fields.origin_villages" />
      <Title />
      <ForecastChart large label="" />
      <OrderButton />
    </SimpleShowLayout>
  </Show>
);

export const supplyListings: ResourceConfig = {
  name: 'supply-listings',
  icon: StoreIcon,
  list: SupplyList,
  show: SupplyShow,
  recordRepresentation: (r: RaRecord) => `#${r.id}`,
};
