/** Small pieces the risk pages share: people pickers and names, the level tag. */
import { Button, Select, Space, Tag } from 'antd';
import { useUsers } from '../../api/org';
import { LEVEL_TAG } from '../../charts/risk';
import { useT } from '../../i18n';

/** A risk level as a coloured tag; "unassessed" without one. */
export function LevelTag({ level }: { level: string | null | undefined }) {
  const { t } = useT();
  if (!level) return <Tag>{t('risk.unassessed')}</Tag>;
  return <Tag color={LEVEL_TAG[level] ?? 'default'}>{t(`risk.levels.${level}`)}</Tag>;
}

export function useUserNames(): Map<number, string> {
  const users = useUsers();
  return new Map((users.data?.items ?? []).map((u) => [u.id, u.display_name]));
}

export function UserName({ id }: { id: number | null | undefined }) {
  const names = useUserNames();
  if (id == null) return <>—</>;
  return <>{names.get(id) ?? `#${id}`}</>;
}

/** A person by id; the list is who the caller may see (GET /api/org/users). */
export function UserSelect({ value, onChange, id, disabled, allowClear = true, style }: {
  value?: number | null; onChange?: (v: number | null) => void; id?: string; disabled?: boolean; allowClear?: boolean; style?: React.CSSProperties;
}) {
  const { t } = useT();
  const users = useUsers();
  return (
    <Select<number>
      id={id}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      allowClear={allowClear}
      disabled={disabled}
      showSearch
      optionFilterProp="label"
      loading={users.isPending}
      placeholder={t('risk.choosePerson')}
      style={{ minWidth: 160, ...style }}
      options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))}
    />
  );
}

/** Cancel + save at the foot of a form inside a modal (the form's own submit, so Enter works). */
export function FormButtons({ onCancel, loading, okText }: { onCancel: () => void; loading: boolean; okText?: string }) {
  const { t } = useT();
  return (
    <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
      <Button onClick={onCancel}>{t('common.cancel')}</Button>
      <Button type="primary" htmlType="submit" loading={loading}>{okText ?? t('common.save')}</Button>
    </Space>
  );
}
