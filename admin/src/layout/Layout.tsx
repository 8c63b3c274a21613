import { useEffect, type ReactNode } from 'react';
import {
  AppBar,
  Layout as RaLayout,
  LoadingIndicator,
  LocalesMenuButton,
  TitlePortal,
  useLocaleState,
} from 'react-admin';

const AppBarWithLocales = () => (
  <AppBar
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
