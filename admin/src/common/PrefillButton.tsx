import AddIcon from '@mui/icons-material/Add';
import type { ReactElement } from 'react';
import { Button, Link } from 'react-admin';

/**
 * A link to a create form (or any page) with values filled in (`?source=` is what react-admin's
 * forms read). Unlike <CreateButton>, it stays a toolbar button on a phone (CreateButton turns
 * into one floating button there, and two of them would sit on top of each other).
 */
export const PrefillButton = ({ pathname, source, label, icon = <AddIcon /> }: { pathname: string; source?: object; label: string; icon?: ReactElement }) => {
  const search = source ? `?source=${encodeURIComponent(JSON.stringify(source))}` : '';
  return (
    <Button component={Link} to={`${pathname}${search}`} label={label}>
      {icon}
    </Button>
  );
};
