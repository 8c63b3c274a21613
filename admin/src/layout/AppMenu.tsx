import BoltIcon from '@mui/icons-material/Bolt';
import { Fragment } from 'react';
import { Menu, usePermissions, useResourceDefinitions, useTranslate } from 'react-admin';
import { QUICK_HARVEST_PATH } from '../resources/harvest-lots/routes';
import { canDo, type Permissions } from '../types';

/**
 * The side menu: home, the declared resources in their order, and 快速采收 (the phone harvest
 * form) right after the harvest lots for those who may record a harvest.
 */
export const AppMenu = () => {
  const resources = useResourceDefinitions();
  const { permissions } = usePermissions<Permissions>();
  const translate = useTranslate();
  const quick = canDo(permissions, 'harvest-lots', 'create');
  return (
    <Menu>
      <Menu.DashboardItem />
      {Object.keys(resources).map((name) => (
        <Fragment key={name}>
          <Menu.ResourceItem name={name} />
          {name === 'harvest-lots' && quick && (
            <Menu.Item to={QUICK_HARVEST_PATH} primaryText={translate('app.menu.quick_harvest')} leftIcon={<BoltIcon />} />
          )}
        </Fragment>
      ))}
    </Menu>
  );
};
