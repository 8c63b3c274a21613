import { NumberField } from 'react-admin';
import { ZhDateTimeField } from './fields';

/** Bookkeeping fields every record has; an array so Show layouts label each one. */
export const metaFields = [
  <NumberField key="version" source="version" />,
  <ZhDateTimeField key="created_at" source="created_at" />,
  <ZhDateTimeField key="updated_at" source="updated_at" />,
];
