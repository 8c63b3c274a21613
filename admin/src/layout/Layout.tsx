import { useEffect, type ReactNode } from 'react';
import {
  AppBar,
  Layout as RaLayout,
  LoadingIndicator,
  LocalesMenuButton,
  Logout,
  TitlePortal,
  UserMenu,
  useLocaleState,
} from 'react-admin';
import { ChangePasswordMenuItem } from '../account/ChangePassword';
import { MyAccountMenuItem } from '../account/MyAccount';
import { AppMenu } from './AppMenu';

/** Top right: the user's own actions, then signing out. */
const AppUserMenu = () => (
  <UserMenu>
    <MyAccountMenuItem />
    <ChangePasswordMenuItem />
    <Logout />
  </UserMenu>
);

const AppBarWithLocales = () => (
  <AppBar
    userMenu={<AppUserMenu />}
    toolbar={
      <>
        <LocalesMenuButton />
        <LoadingIndicator />
      </>
    }
  >
    {/* On a phone the title gives way (smaller, cut short) so that the buttons stay on screen. */}
    <TitlePortal sx={{ minWidth: 0, fontSize: { xs: '1rem', sm: '1.25rem' } }} />
  </AppBar>
);

/** Keeps <html lang> in step with the interface language, for screen readers and fonts. */
const useHtmlLang = () => {
  const [locale] = useLocaleState();
  useEffect(() => {
    document.documentElement.lang = locale === 'en' ? 'en' : 'zh-CN';
  }, [locale]);
};

export const Layout = ({ children }: { children: ReactNode }) => {
  useHtmlLang();
  return (
    <RaLayout appBar={AppBarWithLocales} menu={AppMenu}>
      {children}
    </RaLayout>
  );
};
