import AccountIcon from '@mui/icons-material/AccountCircle';
import { readSession } from '../auth/session';
import { canDo, type Permissions } from '../types';
import { userMenuLink } from './UserMenuLink';

/** Where the signed-in user's own account opens: its edit page when they may edit it, else its show page. */
export const myAccountPath = (permissions: Permissions | undefined): string | null => {
  const id = readSession()?.user.id;
  if (id == null || !canDo(permissions, 'users', 'read')) return null;
  return canDo(permissions, 'users', 'edit') ? `/users/${id}` : `/users/${id}/show`;
};

/** 我的账号 in the user menu: the signed-in user's own users record. */
export const MyAccountMenuItem = userMenuLink('MyAccountMenuItem', <AccountIcon fontSize="small" />, 'app.account.menu', myAccountPath);
