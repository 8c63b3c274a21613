import { SelectField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { plotKindChoices, plotTenureChoices } from '../../common/choices';
import { DecimalField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { HouseholdField, VillageField } from '../../common/refs';

export const PlotShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name" />
      <VillageField source="village_id" />
      <SelectField source="tenure" choices={plotTenureChoices} />
      <HouseholdField source="household_id" />
      <SelectField source="kind" choices={plotKindChoices} />
      <DecimalField source="area_mu" />
      <TextField source="location" />
      <DecimalField source="latitude" digits={6} />
      <DecimalField source="longitude" digits={6} />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);
