import AccountIcon from '@mui/icons-material/AccountCircle';
import { ListItemIcon, ListItemText, MenuItem, type MenuItemProps } from '@mui/material';
import { forwardRef } from 'react';
import { LinkBase, usePermissions, useTranslate, useUserMenu } from 'react-admin';
import { readSession } from '../auth/session';
import { canDo, type Permissions } from '../types';

/** Where the signed-in user's own account opens: its edit page when they may edit it, else its show page. */
export const myAccountPath = (permissions: Permissions | undefined): string | null => {
  const id = readSession()?.user.id;
  if (id == null || !canDo(permissions, 'users', 'read')) return null;
  return canDo(permissions, 'users', 'edit') ? `/users/${id}` : `/users/${id}/show`;
};

/** 我的账号 in the user menu: the signed-in user's own users record. */
export const MyAccountMenuItem = forwardRef<HTMLAnchorElement, MenuItemProps<'a'>>((props, ref) => {
  const userMenu = useUserMenu();
  const translate = useTranslate();
  const { permissions } = usePermissions<Permissions>();
  const to = myAccountPath(permissions);
  if (!to) return null;
  return (
    <MenuItem {...props} ref={ref} component={LinkBase} to={to} onClick={() => userMenu?.onClose()}>
      <ListItemIcon>
        <AccountIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('app.account.menu')}</ListItemText>
    </MenuItem>
  );
});
MyAccountMenuItem.displayName = 'MyAccountMenuItem';
