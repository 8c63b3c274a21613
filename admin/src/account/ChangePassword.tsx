import KeyIcon from '@mui/icons-material/Key';
import { Box, Button, Card, CardContent, Stack, Typography } from '@mui/material';
import {
  Form,
  HttpError,
  PasswordInput,
  SaveButton,
  Title,
  minLength,
  required,
  useDataProvider,
  useNavigate,
  useNotify,
  useTranslate,
  type Validator,
} from 'react-admin';
import { readSession, writeSession } from '../auth/session';
import type { AppDataProvider } from '../dataProvider';
import { canRun, type Permissions, type Session } from '../types';
import { userMenuLink } from './UserMenuLink';

export const CHANGE_PASSWORD_PATH = '/change-password';

/** Whether the signed-in user may change their own password (every role may, today). */
export const mayChangePassword = (permissions: Permissions | undefined): boolean =>
  canRun(permissions, 'users', 'change-password');

interface Values {
  current_password: string;
  new_password: string;
  confirm_password: string;
}

/** The server's answers that belong under an input; anything else is a notification. */
const FIELDS = ['current_password', 'new_password'] as const;

const sameAsNew: Validator = (value: unknown, all: Partial<Values>) =>
  value && value !== all.new_password ? 'app.password.mismatch' : undefined;

/** Back where the user came from, or home when the screen was opened directly. */
const useGoBack = () => {
  const navigate = useNavigate();
  return () => {
    const idx = (window.history.state as { idx?: number } | null)?.idx;
    if (typeof idx === 'number' && idx > 0) navigate(-1);
    else navigate('/');
  };
};

/**
 * One's own password, against the current one (`POST /api/users/:id/change-password`).
 * The answer is a fresh session: the old token stops working, so it is stored at once.
 */
export const ChangePassword = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const goBack = useGoBack();
  const dataProvider = useDataProvider<AppDataProvider>();
  const user = readSession()?.user;

  const submit = async (values: Partial<Values>) => {
    if (!user) return;
    try {
      const next = await dataProvider.runVerb<Session>('users', user.id, 'change-password', {
        current_password: values.current_password,
        new_password: values.new_password,
      });
      writeSession(next);
      notify('app.password.changed', { type: 'success' });
      goBack();
    } catch (e) {
      if (!(e instanceof HttpError)) {
        notify('app.error.network', { type: 'error' });
        return;
      }
      const errors = (e.body as { errors?: Record<string, unknown> } | undefined)?.errors ?? {};
      const under = Object.fromEntries(FIELDS.filter((f) => typeof errors[f] === 'string').map((f) => [f, errors[f]]));
      // Errors under the inputs are returned to the form, which shows them there.
      if (Object.keys(under).length > 0) return under;
      notify(e.message, { type: 'error' });
    }
  };

  return (
    <Box sx={{ mt: { xs: 1, sm: 2 }, maxWidth: 480 }}>
      <Title title="app.password.title" />
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {translate('app.password.title')}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {translate('app.password.intro', { username: user?.username ?? '' })}
          </Typography>
          <Form onSubmit={submit} record={{}} sanitizeEmptyValues={false}>
            {/* For password managers: the account the new password belongs to. */}
            <input type="text" name="username" autoComplete="username" value={user?.username ?? ''} readOnly hidden />
            <PasswordInput
              source="current_password"
              label="app.password.current"
              autoComplete="current-password"
              validate={required()}
              fullWidth
            />
            <PasswordInput
              source="new_password"
              label="app.password.new"
              autoComplete="new-password"
              validate={[required(), minLength(8)]}
              helperText="app.password.new_help"
              fullWidth
            />
            <PasswordInput
              source="confirm_password"
              label="app.password.confirm"
              autoComplete="new-password"
              validate={[required(), sameAsNew]}
              fullWidth
            />
            <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
              <SaveButton label="app.password.submit" icon={<KeyIcon />} />
              <Button onClick={goBack}>{translate('ra.action.cancel')}</Button>
            </Stack>
          </Form>
        </CardContent>
      </Card>
    </Box>
  );
};

/** The user menu's entry to the screen, for the roles that may change their password. */
export const ChangePasswordMenuItem = userMenuLink('ChangePasswordMenuItem', <KeyIcon fontSize="small" />, 'app.password.menu',
  (permissions) => (mayChangePassword(permissions) ? CHANGE_PASSWORD_PATH : null));
