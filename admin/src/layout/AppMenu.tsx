import AccountTreeIcon from '@mui/icons-material/AccountTree';
import BoltIcon from '@mui/icons-material/Bolt';
import LocalShippingIcon from '@mui/icons-material/LocalShipping';
import ReceiptIcon from '@mui/icons-material/ReceiptLong';
import ReportIcon from '@mui/icons-material/Report';
import { Fragment } from 'react';
import { Menu, usePermissions, useResourceDefinitions, useTranslate } from 'react-admin';
import { readSession } from '../auth/session';
import { QUICK_HARVEST_PATH } from '../resources/harvest-lots/routes';
import { mayRecall, mayTrace } from '../trace/routes';
import { canDo, type Permissions } from '../types';

/**
 * The side menu: home, the declared resources in their order, 快速采收 (the phone harvest
 * form) right after the harvest lots for those who may record a harvest, 追溯 and 召回 after
 * the processing runs (the end of production), and a buyer's orders named 我的订单.
 */
export const AppMenu = () => {
  const resources = useResourceDefinitions();
  const { permissions } = usePermissions<Permissions>();
  const translate = useTranslate();
  const quick = canDo(permissions, 'harvest-lots', 'create');
  const isBuyer = readSession()?.user.buyer_id != null;
  // A buyer reads crops (for the names on listings and orders) but has no business with them as a screen.
  const names = Object.keys(resources).filter((n) => !(isBuyer && n === 'crops'));
  // Trace and recall come after the last production resource the user sees.
  const anchor = ['processing-runs', 'temperature-readings', 'stock-movements', 'stock', 'harvest-lots'].find((n) => names.includes(n));
  const traceItems = (
    <>
      {mayTrace(permissions) && <Menu.Item to="/trace" primaryText={translate('app.menu.trace')} leftIcon={<AccountTreeIcon />} />}
      {mayRecall(permissions) && <Menu.Item to="/recall" primaryText={translate('app.menu.recall')} leftIcon={<ReportIcon />} />}
    </>
  );
  return (
    <Menu>
      <Menu.DashboardItem />
      {!anchor && traceItems}
      {names.map((name) => (
        <Fragment key={name}>
          {name === 'orders' && isBuyer ? (
            <Menu.Item to="/orders" primaryText={translate('app.menu.my_orders')} leftIcon={<ReceiptIcon />} />
          ) : name === 'deliveries' && isBuyer ? (
            <Menu.Item to="/deliveries" primaryText={translate('app.menu.my_deliveries')} leftIcon={<LocalShippingIcon />} />
          ) : name === 'delivery-lines' ? null : (
            <Menu.ResourceItem name={name} />
          )}
          {name === 'harvest-lots' && quick && (
            <Menu.Item to={QUICK_HARVEST_PATH} primaryText={translate('app.menu.quick_harvest')} leftIcon={<BoltIcon />} />
          )}
          {name === anchor && traceItems}
        </Fragment>
      ))}
    </Menu>
  );
};
