import { useGetResourceLabel } from 'react-admin';
import { AUDITED_RESOURCES, type Choice } from './choices';

/**
 * Resource names as choices, already translated: the "Plot |||| Plots" plural form of
 * resources.<r>.name needs a smart_count that SelectInput's own translation does not pass.
 * Use with translateChoice={false}.
 */
export const useAuditedResourceChoices = (): Choice[] => {
  const label = useGetResourceLabel();
  return AUDITED_RESOURCES.map((id) => ({ id, name: label(id, 2) }));
};
