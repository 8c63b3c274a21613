import type { ReactNode } from 'react';
import { Card, CardContent, Stack, Typography } from '@mui/material';
import { Title, useGetOne, useGetRecordRepresentation, usePermissions, useTranslate } from 'react-admin';
import { readSession } from './auth/session';
import { canRead, type Permissions, type User } from './types';

/** A referenced record's name, or its id when the user may not read that resource. */
const RefName = ({ resource, id }: { resource: string; id: number }) => {
  const { permissions } = usePermissions<Permissions>();
  const allowed = canRead(permissions, resource);
  const { data } = useGetOne(resource, { id }, { enabled: allowed });
  const represent = useGetRecordRepresentation(resource);
  return <>{data ? represent(data) : `#${id}`}</>;
};

const Line = ({ label, children }: { label: string; children: ReactNode }) => (
  <Typography variant="body1">
    <strong>{label}</strong>
    {children}
  </Typography>
);

/** Scope fields that make up a "scope of management" (a manager's or cadre's). */
const MANAGED_KEYS = [
  ['cooperative_id', 'cooperatives'],
  ['village_id', 'villages'],
] as const;

const Managed = ({ user }: { user: User }) => {
  const translate = useTranslate();
  const parts = MANAGED_KEYS.flatMap(([key, resource]) => {
    const id = user[key];
    return id == null ? [] : [{ resource, id }];
  });
  return (
    <>
      {parts.map(({ resource, id }, i) => (
        <span key={resource}>
          {i > 0 && ' · '}
          {translate(`resources.${resource}.name`, { smart_count: 1 })} <RefName resource={resource} id={id} />
        </span>
      ))}
    </>
  );
};

/**
 * What the account is attached to, in the terms of its role: a member's household, a buyer's
 * organisation, a manager's or cadre's scope of management, or (for union-wide roles) the union.
 */
const Attachment = ({ user }: { user: User }) => {
  const translate = useTranslate();
  if (user.household_id != null)
    return (
      <Line label={translate('app.dashboard.household')}>
        <RefName resource="households" id={user.household_id} />
      </Line>
    );
  if (user.buyer_id != null)
    return (
      <Line label={translate('app.dashboard.buyer')}>
        <RefName resource="buyers" id={user.buyer_id} />
      </Line>
    );
  if (user.cooperative_id != null || user.village_id != null)
    return (
      <Line label={translate('app.dashboard.scope')}>
        <Managed user={user} />
      </Line>
    );
  return (
    <Line label={translate('app.dashboard.scope')}>{translate('app.dashboard.union_scope', { union: user.union_name })}</Line>
  );
};

const unionWide = (user: User) =>
  user.household_id == null && user.buyer_id == null && user.cooperative_id == null && user.village_id == null;

export const Dashboard = () => {
  const translate = useTranslate();
  const user = readSession()?.user;
  if (!user) return null;
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="ra.page.dashboard" />
      <CardContent>
        <Stack spacing={1.5}>
          <Typography variant="h5">{translate('app.dashboard.welcome', { name: user.display_name })}</Typography>
          <Typography variant="body2" color="text.secondary">
            {translate('app.dashboard.intro')}
          </Typography>
          <Line label={translate('app.dashboard.role')}>{translate(`choices.user_role.${user.role}`, { _: user.role })}</Line>
          <Attachment user={user} />
          {/* A union-wide role's scope already names the union. */}
          {!unionWide(user) && <Line label={translate('app.dashboard.union')}>{user.union_name}</Line>}
        </Stack>
      </CardContent>
    </Card>
  );
};
