import type { AuthProvider } from 'react-admin';
import { clearSession, freshSession, readSession, writeSession } from './auth/session';
import { canDo, type Session } from './types';

interface Credentials {
  username: string;
  password: string;
}

// Messages are i18n keys: the login form and the notifier translate them.
const loginFailure = (status: number): string => {
  if (status === 401) return 'app.auth.invalid_credentials';
  if (status === 429) return 'app.auth.rate_limited';
  return 'ra.auth.sign_in_error';
};

export const authProvider: AuthProvider = {
  async login({ username, password }: Credentials) {
    let res: Response;
    try {
      res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch {
      throw new Error('app.error.network');
    }
    if (!res.ok) throw new Error(loginFailure(res.status));
    writeSession((await res.json()) as Session);
  },

  async logout() {
    clearSession();
  },

  async checkAuth() {
    const hadSession = readSession() !== null;
    const session = await freshSession();
    if (!session) {
      // No message when the user simply has not signed in yet; a lost session says so.
      throw { message: hadSession ? 'ra.notification.logged_out' : false };
    }
  },

  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      clearSession();
      throw { message: 'ra.notification.logged_out' };
    }
    // 403 is "not yours", not "not signed in": stay signed in, the caller shows the error.
  },

  async getPermissions() {
    return readSession()?.user.permissions ?? {};
  },

  async getIdentity() {
    const user = readSession()?.user;
    if (!user) throw new Error('app.error.no_session');
    return { id: user.id, fullName: user.display_name };
  },

  async canAccess({ resource, action }) {
    if (!resource) return true;
    const permissions = readSession()?.user.permissions;
    return canDo(permissions, resource, action);
  },
};
