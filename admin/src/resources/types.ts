import type { ComponentType } from 'react';
import type { RaRecord } from 'react-admin';

/** What App.tsx needs to declare a <Resource>; edit/create are dropped without write access. */
export interface ResourceConfig {
  name: string;
  icon: ComponentType;
  list: ComponentType;
  show: ComponentType;
  edit?: ComponentType;
  create?: ComponentType;
  recordRepresentation?: string | ((record: RaRecord) => string);
}
