import {
  FormDataConsumer,
  maxLength,
  maxValue,
  minValue,
  NumberInput,
  RadioButtonGroupInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  type RaRecord,
  type Validator,
} from 'react-admin';
import { plotKindChoices, plotTenureChoices } from '../../common/choices';
import { HouseholdInput, VillageInput } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { formViews } from '../../common/views';

/** area_mu is numeric(10,2) and must be > 0: the smallest accepted value is 0.01. */
const areaValidators: Validator[] = [required(), minValue(0.01), maxValue(99999999.99), maxDecimals(2)];

const PlotForm = () => (
  <SimpleForm>
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name" validate={[required(), maxLength(80)]} />
    <VillageInput source="village_id" isRequired />
    <RadioButtonGroupInput source="tenure" choices={plotTenureChoices} validate={required()} />
    <FormDataConsumer<{ tenure?: string }>>
      {({ formData }) =>
        formData.tenure === 'household' ? <HouseholdInput source="household_id" isRequired /> : null
      }
    </FormDataConsumer>
    <NumberInput source="area_mu" validate={areaValidators} />
    <SelectInput source="kind" choices={plotKindChoices} validate={required()} />
    <TextInput source="location" validate={maxLength(200)} fullWidth />
    <NumberInput source="latitude" validate={[minValue(-90), maxValue(90), maxDecimals(6)]} />
    <NumberInput source="longitude" validate={[minValue(-180), maxValue(180), maxDecimals(6)]} />
  </SimpleForm>
);

// A hidden input keeps its value in the form: a collective plot must not send the
// household it had before tenure was switched (the database refuses that pair).
const dropHouseholdOfCollective = (data: RaRecord): RaRecord =>
  data.tenure === 'household' ? data : { ...data, household_id: null };

export const plotViews = formViews(PlotForm, {
  edit: { transform: dropHouseholdOfCollective },
  create: { inUserVillage: true, transform: dropHouseholdOfCollective, record: { tenure: 'household' } },
});
