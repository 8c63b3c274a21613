import { useTranslate } from 'react-admin';

/** The union's time zone: the server counts days (harvest dates, intervals) in it. */
export const UNION_TIME_ZONE = 'Asia/Shanghai';

/** Today as YYYY-MM-DD in the union's day (Wuhan, UTC+8), whatever the device's time zone. */
export const todayIso = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: UNION_TIME_ZONE }).format(new Date());

/** "5月12日" (or "5/12" in English) for a YYYY-MM-DD date; the text itself when it is not one. */
export const useMonthDay = () => {
  const translate = useTranslate();
  return (value: unknown): string => {
    const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
    if (!m) return value == null ? '' : String(value);
    return translate('app.date.month_day', { y: m[1], m: Number(m[2]), d: Number(m[3]) });
  };
};
