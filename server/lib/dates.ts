// Calendar dates as the union lives them: a harvest "today" is today near Wuhan, whatever
// the server's own time zone (a server in UTC is still on yesterday until 08:00 there).

export const UNION_TIME_ZONE = 'Asia/Shanghai';

const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: UNION_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

let memo = { second: -1, day: '' };
/**
 * Today's date (YYYY-MM-DD) in the union's time zone, or the date of `at` there. Today's is
 * kept for a second: a list presents each of its rows with it.
 */
export function today(at?: Date): string {
  if (at) return formatter.format(at);
  const second = Math.floor(Date.now() / 1000);
  if (memo.second !== second) memo = { second, day: formatter.format(new Date(second * 1000)) };
  return memo.day;
}

const dayMs = 86_400_000;
/** An ISO date plus whole days (UTC arithmetic on dates, so no time zone moves a day). */
export const addDays = (date: string, days: number): string => new Date(Date.parse(date) + days * dayMs).toISOString().slice(0, 10);
/** Whole days from one ISO date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);

export type ExpiryStatus = 'expired' | 'critical' | 'soon' | 'fresh';
/** Days left before a date, and how urgent that is: expired, critical (≤ 2 days), soon (≤ 5), fresh. */
export function expiryOf(expiresOn: string, on: string = today()): { days_left: number; expiry_status: ExpiryStatus } {
  const days = daysBetween(on, expiresOn);
  return { days_left: days, expiry_status: days < 0 ? 'expired' : days <= 2 ? 'critical' : days <= 5 ? 'soon' : 'fresh' };
}
