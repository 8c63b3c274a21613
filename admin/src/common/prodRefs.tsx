import { ReferenceField, usePermissions, useRecordContext, type RaRecord } from 'react-admin';
import { canRead, type Permissions } from '../types';

// References into production and storage: a role may read a record but not the resource it
// points to (a member reads their lots, not the rooms): then the id is shown, no request is made.

interface RefProps {
  source: string;
  reference: string;
  label?: string | false;
  link?: false | 'show';
  sortable?: boolean;
}

export const SafeRef = ({ source, reference, link = 'show' }: RefProps) => {
  const { permissions } = usePermissions<Permissions>();
  const record = useRecordContext();
  if (record?.[source] == null) return null;
  if (!canRead(permissions, reference)) return <span>#{String(record[source])}</span>;
  return <ReferenceField source={source} reference={reference} link={link} />;
};

type P = { source?: string; label?: string | false; link?: false | 'show'; sortable?: boolean };

export const CropField = ({ source = 'crop_id', link = false }: P) => <SafeRef source={source} reference="crops" link={link} />;
export const WarehouseField = ({ source = 'warehouse_id', link = 'show' }: P) => (
  <SafeRef source={source} reference="warehouses" link={link} />
);
export const LotField = ({ source = 'lot_id', link = 'show' }: P) => <SafeRef source={source} reference="harvest-lots" link={link} />;
export const PlotRef = ({ source = 'plot_id', link = 'show' }: P) => <SafeRef source={source} reference="plots" link={link} />;

/** A planting as "plot · crop" (the planting's own fields). */
export const PlantingSummary = () => (
  <span>
    <SafeRef source="plot_id" reference="plots" link={false} /> · <SafeRef source="crop_id" reference="crops" link={false} />
  </span>
);

/** The planting a record points to, as "plot · crop", linked to its page. */
export const PlantingField = ({ source = 'planting_id', link = 'show' }: P) => {
  const { permissions } = usePermissions<Permissions>();
  const record = useRecordContext();
  if (record?.[source] == null) return null;
  if (!canRead(permissions, 'plantings')) return <span>#{String(record[source])}</span>;
  return (
    <ReferenceField source={source} reference="plantings" link={link}>
      <PlantingSummary />
    </ReferenceField>
  );
};

export const cropLabel = (r: RaRecord) => (r.variety ? `${r.name_zh}（${r.variety}）` : String(r.name_zh));
