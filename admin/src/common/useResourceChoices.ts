import { useGetResourceLabel, useTranslate } from 'react-admin';
import { readSession } from '../auth/session';
import { AUDIT_ACTIONS, AUDITED_RESOURCES, type Choice } from './choices';

/**
 * Resource names as choices, already translated: the "Plot |||| Plots" plural form of
 * resources.<r>.name needs a smart_count that SelectInput's own translation does not pass.
 * Use with translateChoice={false}.
 */
export const useAuditedResourceChoices = (): Choice[] => {
  const label = useGetResourceLabel();
  return AUDITED_RESOURCES.map((id) => ({ id, name: label(id, 2) }));
};

/** An audit action's label: its translation, or the raw action when the console does not know it. */
export const useAuditActionLabel = (): ((action: string) => string) => {
  const translate = useTranslate();
  return (action) => translate(`choices.audit_action.${action}`, { _: action });
};

/**
 * The audit log's actions as choices, already translated (use with translateChoice={false}):
 * the known ones, plus any verb the session's rights name that this console does not know yet.
 */
export const useAuditActionChoices = (): Choice[] => {
  const label = useAuditActionLabel();
  const verbs = Object.values(readSession()?.user.permissions ?? {}).flatMap((a) => a.verbs ?? []);
  const ids = [...new Set<string>([...AUDIT_ACTIONS, ...verbs])];
  return ids.map((id) => ({ id, name: label(id) }));
};
