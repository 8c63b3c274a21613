import {
  AutocompleteInput,
  DateInput,
  FormDataConsumer,
  maxLength,
  maxValue,
  minValue,
  NumberInput,
  RadioButtonGroupInput,
  required,
  SimpleForm,
  TextInput,
  useTranslate,
  type Validator,
} from 'react-admin';
import { Alert } from '@mui/material';
import { useWatch } from 'react-hook-form';
import { todayIso } from '../../common/dates';
import { usePlantingChoices } from '../../common/usePlantingChoices';
import { inputKindChoices } from '../../common/productionChoices';
import { integer, maxDecimals } from '../../common/validators';
import { AppCreate } from '../../common/views';

const notInFuture: Validator = (value: unknown) =>
  typeof value === 'string' && value > todayIso() ? 'app.validation.not_in_future' : undefined;

/** A pesticide must carry its label's pre-harvest interval (0–365 days). */
const intervalRequired: Validator = (value: unknown, all: Record<string, unknown>) =>
  all.kind === 'pesticide' && (value == null || value === '') ? 'app.validation.interval_required' : undefined;

const PlantingInput = ({ disabled }: { disabled: boolean }) => {
  const { choices, isPending } = usePlantingChoices({});
  return <AutocompleteInput source="planting_id" choices={choices} isPending={isPending} validate={required()} readOnly={disabled} fullWidth />;
};

// The record being corrected arrives in the address (?source=, from the 更正 button), so the
// form's values say whether this is a correction, not the Create's record.
const FormBody = () => {
  const translate = useTranslate();
  const correctsId: unknown = useWatch({ name: 'corrects_id' });
  const correcting = correctsId != null && correctsId !== '';
  return (
    <>
      {correcting && <Alert severity="info" sx={{ mb: 2 }}>{translate('app.input.correcting', { id: String(correctsId) })}</Alert>}
      {/* A correction stays on the corrected record's planting. */}
      <PlantingInput disabled={correcting} />
      <RadioButtonGroupInput source="kind" choices={inputKindChoices} validate={required()} />
      <TextInput source="product" validate={[required(), maxLength(120)]} />
      <TextInput source="active_ingredient" validate={maxLength(120)} />
      <TextInput source="target" validate={maxLength(120)} />
      <NumberInput source="dose" validate={[required(), minValue(0), maxDecimals(3)]} />
      <TextInput source="dose_unit" validate={[required(), maxLength(20)]} helperText="app.help.dose_unit" />
      <DateInput source="applied_on" validate={[required(), notInFuture]} />
      <TextInput source="applied_by" validate={[required(), maxLength(60)]} />
      <FormDataConsumer<{ kind?: string }>>
        {({ formData }) => (
          <NumberInput
            source="pre_harvest_interval_days"
            validate={[intervalRequired, integer, minValue(0), maxValue(365)]}
            helperText={formData.kind === 'pesticide' ? 'app.help.interval_pesticide' : 'app.help.interval_other'}
          />
        )}
      </FormDataConsumer>
      {correcting && <TextInput source="correction_reason" validate={[required(), maxLength(500)]} multiline fullWidth />}
    </>
  );
};

const ApplicationForm = () => (
  <SimpleForm>
    <FormBody />
  </SimpleForm>
);

/** Empty optional fields are left out, and the correction fields only go with a correction. */
const payload = (data: Record<string, unknown>) => {
  const out = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== '' && v != null));
  if (out.corrects_id == null) delete out.correction_reason;
  return out;
};

export const ApplicationCreate = () => (
  <AppCreate record={{ kind: 'pesticide', applied_on: todayIso() }} transform={payload}>
    <ApplicationForm />
  </AppCreate>
);
