/**
 * The credential (a portal token or a pasted API key) lives in sessionStorage only: gone when the tab closes,
 * never in localStorage, never in a URL. A portal link's token arrives in the fragment, which browsers never
 * send to a server; it is moved into sessionStorage and wiped from the address bar before anything else runs.
 */
const STORAGE_KEY = 'webhooks-console.credential';

export function takeTokenFromFragment(): void {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash.includes('token=')) history.replaceState(history.state, '', location.pathname + location.search);
  if (token) sessionStorage.setItem(STORAGE_KEY, token);
}

export const storedCredential = (): string | null => sessionStorage.getItem(STORAGE_KEY);

export const storeCredential = (credential: string): void => sessionStorage.setItem(STORAGE_KEY, credential);

export const forgetCredential = (): void => sessionStorage.removeItem(STORAGE_KEY);
