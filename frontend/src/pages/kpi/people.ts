import { useUsers } from '../../api/org';

/** Who did it, by name: the services record the acting principal's subject (the user id as text,
 * "system", or an API client), so ids are looked up among the users the reader may see. */
export function useWhoName(): (sub: string | null | undefined) => string {
  const users = useUsers();
  return (sub) => {
    if (!sub) return '';
    const found = users.data?.items.find((u) => String(u.id) === sub || u.username === sub);
    return found?.display_name ?? sub;
  };
}
