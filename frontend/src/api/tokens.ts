/** Where the tokens live: the access token in memory (mirrored to sessionStorage so a reload
 * keeps the tab signed in), the refresh token in sessionStorage only. Nothing in localStorage. */
const ACCESS = 'yunguan.access';
const REFRESH = 'yunguan.refresh';

let access: string | null = null;
// only where sessionStorage is unavailable (tests, locked-down browsers)
let refreshFallback: string | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function getAccessToken(): string | null {
  if (access === null) access = storage()?.getItem(ACCESS) ?? null;
  return access;
}

export function getRefreshToken(): string | null {
  const store = storage();
  return store ? store.getItem(REFRESH) : refreshFallback;
}

export function setTokens(accessToken: string, refreshToken?: string | null): void {
  access = accessToken;
  storage()?.setItem(ACCESS, accessToken);
  if (refreshToken) {
    const store = storage();
    if (store) store.setItem(REFRESH, refreshToken);
    else refreshFallback = refreshToken;
  }
  listeners.forEach((l) => l());
}

export function clearTokens(): void {
  access = null;
  storage()?.removeItem(ACCESS);
  storage()?.removeItem(REFRESH);
  refreshFallback = null;
  listeners.forEach((l) => l());
}

export function onTokensChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
