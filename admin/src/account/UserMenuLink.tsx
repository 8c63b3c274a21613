import { ListItemIcon, ListItemText, MenuItem, type MenuItemProps } from '@mui/material';
import { forwardRef, type ReactNode } from 'react';
import { LinkBase, usePermissions, useTranslate, useUserMenu } from 'react-admin';
import type { Permissions } from '../types';

/**
 * An entry of the user menu that opens a page and closes the menu. `to` decides, from the
 * user's permissions, where it leads, or null to leave the entry out.
 */
export function userMenuLink(name: string, icon: ReactNode, label: string, to: (permissions: Permissions | undefined) => string | null) {
  const Item = forwardRef<HTMLAnchorElement, MenuItemProps<'a'>>((props, ref) => {
    const userMenu = useUserMenu();
    const translate = useTranslate();
    const { permissions } = usePermissions<Permissions>();
    const path = to(permissions);
    if (!path) return null;
    return (
      <MenuItem {...props} ref={ref} component={LinkBase} to={path} onClick={() => userMenu?.onClose()}>
        <ListItemIcon>{icon}</ListItemIcon>
        <ListItemText>{translate(label)}</ListItemText>
      </MenuItem>
    );
  });
  Item.displayName = name;
  return Item;
}
