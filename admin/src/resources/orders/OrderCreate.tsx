import { Typography } from '@mui/material';
import { useMemo } from 'react';
import {
  ArrayInput,
  AutocompleteInput,
  DateInput,
  FormDataConsumer,
  maxLength,
  minValue,
  NumberInput,
  ReferenceInput,
  required,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  useGetList,
  useTranslate,
  type RaRecord,
} from 'react-admin';
import { readSession } from '../../auth/session';
import { useIdempotencyKey } from '../../common/idempotency';
import { formatYuan, toNumber } from '../../common/weights';
import { AppCreate } from '../../common/views';

interface Line {
  listing?: string;
  quantity_kg?: number;
}

/** The form's lines ("crop:grade" picked from the supply listings) as the API's lines. */
const payload = (data: Record<string, unknown>) => {
  const lines = ((data.lines ?? []) as Line[]).map((l) => {
    const [crop, grade] = String(l.listing ?? '').split(':');
    return { crop_id: Number(crop), grade, quantity_kg: String(l.quantity_kg ?? '') };
  });
  const out: Record<string, unknown> = { lines };
  for (const k of ['buyer_id', 'reference', 'wanted_on', 'notes']) {
    if (data[k] != null && data[k] !== '') out[k] = data[k];
  }
  return out;
};

/** The price and minimum of the line's listing, and its amount. */
const LineHint = ({ listings, line }: { listings: RaRecord[]; line?: Line }) => {
  const translate = useTranslate();
  const found = listings.find((l) => `${l.crop_id}:${l.grade}` === line?.listing);
  if (!found) return null;
  const price = toNumber(found.price_per_kg) ?? 0;
  const qty = toNumber(line?.quantity_kg) ?? 0;
  return (
    <Typography variant="body2" color="text.secondary" data-testid="line-hint" sx={{ alignSelf: 'center' }}>
      {translate('app.sales.line_price', { price: formatYuan(price), min: found.min_order_kg })}
      {qty > 0 ? `，${translate('app.sales.line_amount', { amount: formatYuan(price * qty) })}` : ''}
    </Typography>
  );
};

/**
 * 下单: lines of a listed crop and grade with kg, each showing its listing's price and minimum.
 * A buyer orders for their own organisation; staff choose the buyer. One Idempotency-Key per form.
 */
export const OrderCreate = () => {
  const translate = useTranslate();
  const { key } = useIdempotencyKey();
  const isBuyer = readSession()?.user.buyer_id != null;
  const { data: supply = [] } = useGetList('supply-listings', { pagination: { page: 1, perPage: 100 }, sort: { field: 'id', order: 'ASC' } });
  const { data: crops = [] } = useGetList('crops', { pagination: { page: 1, perPage: 100 }, sort: { field: 'code', order: 'ASC' } });
  const choices = useMemo(
    () =>
      supply.map((l) => {
        const crop = crops.find((c) => c.id === l.crop_id);
        return {
          id: `${l.crop_id}:${l.grade}`,
          name: translate('app.sales.listing_label', {
            crop: crop ? String(crop.name_zh) : `#${l.crop_id}`,
            grade: translate(`choices.lot_grade.${l.grade}`, { _: String(l.grade) }),
          }),
        };
      }),
    [supply, crops, translate],
  );
  return (
    <AppCreate transform={payload} mutationOptions={{ meta: { idempotencyKey: key } }} record={{ lines: [{}] }}>
      <SimpleForm>
        {!isBuyer && (
          <ReferenceInput source="buyer_id" reference="buyers" sort={{ field: 'name', order: 'ASC' }}>
            <AutocompleteInput optionText="name" validate={required()} />
          </ReferenceInput>
        )}
        <ArrayInput source="lines" validate={required()}>
          <SimpleFormIterator inline disableReordering>
            <SelectInput source="listing" label="resources.order-lines.fields.listing" choices={choices} validate={required()} />
            <NumberInput source="quantity_kg" label="resources.order-lines.fields.quantity_kg" validate={[required(), minValue(0.01)]} />
            <FormDataConsumer>
              {({ scopedFormData }) => <LineHint listings={supply} line={scopedFormData as Line | undefined} />}
            </FormDataConsumer>
          </SimpleFormIterator>
        </ArrayInput>
        <TextInput source="reference" validate={maxLength(60)} />
        <DateInput source="wanted_on" />
        <TextInput source="notes" validate={maxLength(500)} fullWidth multiline />
      </SimpleForm>
    </AppCreate>
  );
};
