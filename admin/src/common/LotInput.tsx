import { AutocompleteInput, ReferenceInput, required, type Validator } from 'react-admin';

/** A harvest lot picked by its code (the list's q searches codes), most recent first. */
export const LotInput = ({ source = 'lot_id', isRequired = true, filter, label }: { source?: string; isRequired?: boolean; filter?: Record<string, unknown>; label?: string }) => (
  <ReferenceInput source={source} reference="harvest-lots" sort={{ field: 'harvested_on', order: 'DESC' }} filter={filter}>
    <AutocompleteInput optionText="code" label={label} validate={isRequired ? [required()] : ([] as Validator[])} filterToQuery={(q) => (q ? { q } : {})} />
  </ReferenceInput>
);

/** A room (cold room, ambient store; with `halls`, processing halls too). */
export const WarehouseInput = ({ source, isRequired, kind, label }: { source: string; isRequired?: boolean; kind?: string; label?: string }) => (
  <ReferenceInput source={source} reference="warehouses" sort={{ field: 'name', order: 'ASC' }} filter={kind ? { kind } : {}}>
    <AutocompleteInput optionText="name" label={label} validate={isRequired ? [required()] : ([] as Validator[])} />
  </ReferenceInput>
);
