import polyglotI18nProvider from 'ra-i18n-polyglot';
import { en } from './en';
import { zh } from './zh';

export const LOCALES = [
  { locale: 'zh', name: '中文' },
  { locale: 'en', name: 'English' },
];

// The chosen locale is kept by react-admin's store (localStorage key "RaStore.locale"),
// which calls changeLocale at start-up, so the choice survives a reload.
export const i18nProvider = polyglotI18nProvider((locale) => (locale === 'en' ? en : zh), 'zh', LOCALES, {
  // Server field messages are plain text, not keys: show them as they are, without warnings.
  allowMissing: true,
});
