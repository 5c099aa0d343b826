import { toApiError, type ApiError } from './errors';
import { getAccessToken, getRefreshToken } from './tokens';
import { refreshOnce, requestLanguage } from './client';

/** Excel exports need the bearer token, which a plain link cannot send: fetch, then save. */
export async function downloadWithToken(url: string, filename: string): Promise<ApiError | null> {
  const get = () => fetch(url, { headers: { Authorization: `Bearer ${getAccessToken() ?? ''}`, 'Accept-Language': requestLanguage() } });
  let res = await get();
  if (res.status === 401 && getRefreshToken() && (await refreshOnce())) res = await get();
  if (!res.ok) return toApiError(res.status, res.statusText, res.headers.get('Content-Type'), await res.text());
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  return null;
}
