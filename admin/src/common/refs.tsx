import {
  AutocompleteInput,
  ReferenceField,
  ReferenceInput,
  required,
  type RaRecord,
  type Validator,
} from 'react-admin';
import { useFormContext, useWatch } from 'react-hook-form';
import { useSeesOneVillage } from './scope';

/** "code head_name", how villagers name a household. */
export const householdLabel = (r: RaRecord) => `${r.code} ${r.head_name}`;

export const VillageField = ({ source = 'village_id' }: { source?: string; label?: string }) => (
  <ReferenceField source={source} reference="villages" link="show" />
);

export const HouseholdField = ({ source = 'household_id' }: { source?: string; label?: string }) => (
  <ReferenceField source={source} reference="households" link="show" />
);

// In a phone list the whole row is a link: the referenced name is plain text there. The
// village is left out for a user who sees only one (as the village column is).
export const VillageName = () =>
  useSeesOneVillage() ? null : <ReferenceField source="village_id" reference="villages" link={false} />;
export const HouseholdName = () => <ReferenceField source="household_id" reference="households" link={false} />;

// `source` is required (not defaulted) because filter forms read it from the element's props.
interface RefInputProps {
  source: string;
  isRequired?: boolean;
  alwaysOn?: boolean;
}

const validators = (isRequired?: boolean): Validator[] => (isRequired ? [required()] : []);

/** Village picker; changing the village clears the household, which must belong to it. */
export const VillageInput = ({ source, isRequired }: RefInputProps) => {
  const form = useFormContext();
  return (
    <ReferenceInput source={source} reference="villages" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput
        validate={validators(isRequired)}
        onChange={() => {
          if (form.getValues('household_id') != null) form.setValue('household_id', null, { shouldDirty: true });
        }}
      />
    </ReferenceInput>
  );
};

/** Household picker restricted to the village chosen in the same form. */
export const HouseholdInput = ({ source, isRequired }: RefInputProps) => {
  const villageId: unknown = useWatch({ name: 'village_id' });
  return (
    <ReferenceInput
      source={source}
      reference="households"
      filter={villageId != null && villageId !== '' ? { village_id: villageId } : {}}
      sort={{ field: 'code', order: 'ASC' }}
    >
      <AutocompleteInput
        validate={validators(isRequired)}
        optionText={householdLabel}
        helperText="app.help.household_by_village"
      />
    </ReferenceInput>
  );
};
