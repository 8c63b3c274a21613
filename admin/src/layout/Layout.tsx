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

/** Top right: the user's own actions, then signing out. */
const AppUserMenu = () => (
  <UserMenu>
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
    <TitlePortal />
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
  return <RaLayout appBar={AppBarWithLocales}>{children}</RaLayout>;
};
