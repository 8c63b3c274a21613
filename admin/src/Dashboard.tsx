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

const SCOPE_KEYS = [
  ['cooperative_id', 'cooperatives'],
  ['village_id', 'villages'],
  ['household_id', 'households'],
  ['buyer_id', 'buyers'],
] as const;

const Scope = ({ user }: { user: User }) => {
  const translate = useTranslate();
  const parts = SCOPE_KEYS.flatMap(([key, resource]) => {
    const id = user[key];
    return id == null ? [] : [{ resource, id }];
  });
  if (parts.length === 0) return <>{translate('app.dashboard.whole_union')}</>;
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

const UnionName = ({ user }: { user: User }) => <>{user.union_name}</>;

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
          <Line label={translate('app.dashboard.union')}>
            <UnionName user={user} />
          </Line>
          <Line label={translate('app.dashboard.role')}>{translate(`choices.user_role.${user.role}`, { _: user.role })}</Line>
          <Line label={translate('app.dashboard.scope')}>
            <Scope user={user} />
          </Line>
        </Stack>
      </CardContent>
    </Card>
  );
};
