import { Alert, Empty, Skeleton, Tag, TreeSelect } from 'antd';
import type { ReactNode } from 'react';
import { problemMessage } from '../api/errors';
import { useUnitTree } from '../api/org';
import type { GrantRead, UnitTree } from '../api/types';
import { canOver } from '../app/grants';
import { useT } from '../i18n';

/** A failed query: the API's own detail, in an alert. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useT();
  if (!error) return null;
  return (
    <Alert type="error" showIcon message={`${t('common.loadFailed')}${t('common.colon')}${problemMessage(error, t)}`}
      style={{ marginBottom: 12 }} />
  );
}

/** Loading → skeleton, error → alert, empty → Empty, else children. */
export function QueryState({ loading, error, empty, emptyText, children }: {
  loading: boolean; error: unknown; empty?: boolean; emptyText?: string; children: ReactNode;
}) {
  const { t } = useT();
  if (loading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (error) return <ErrorAlert error={error} />;
  if (empty) return <Empty description={emptyText ?? t('common.empty')} />;
  return <>{children}</>;
}

const STATUS_COLORS: Record<string, string> = {
  draft: 'default', submitted: 'processing', approved: 'cyan', returned: 'warning', vetoed: 'error', issued: 'success',
  published: 'success', closed: 'default', done: 'success', current: 'processing', waiting: 'default',
  not_started: 'default', in_progress: 'processing', blocked: 'error', cancelled: 'default', open: 'processing',
  accepted: 'success', declined: 'default',
};

export function StatusTag({ status, ns = 'plans.status' }: { status: string; ns?: string }) {
  const { t } = useT();
  return <Tag color={STATUS_COLORS[status] ?? 'default'}>{t(`${ns}.${status}`)}</Tag>;
}

type TreeOption = { value: number; title: string; children?: TreeOption[] };
function toOptions(nodes: UnitTree[]): TreeOption[] {
  return nodes.map((n) => ({ value: n.id, title: n.name, children: n.children?.length ? toOptions(n.children) : undefined }));
}

export function flattenTree(nodes: UnitTree[], out: Map<number, UnitTree> = new Map()): Map<number, UnitTree> {
  for (const n of nodes) {
    out.set(n.id, n);
    if (n.children) flattenTree(n.children, out);
  }
  return out;
}

/** id → unit name, from the org tree. */
export function useUnitNames(): Map<number, UnitTree> {
  const tree = useUnitTree();
  return tree.data ? flattenTree(tree.data) : new Map();
}

/** A form rule for a unit field: the chosen unit must be one the user holds one of `rights` over,
 * the API's own check, said before sending. */
export function unitRightRule(grants: readonly Pick<GrantRead, 'right' | 'unit_path' | 'mode'>[] | undefined,
  units: Map<number, UnitTree>, rights: string | readonly string[], message: string) {
  return {
    validator: async (_: unknown, id?: number) => {
      if (id !== undefined && !canOver(grants, rights, units.get(id)?.path)) throw new Error(message);
    },
  };
}

export function UnitSelect({ value, onChange, allowClear, style, id, placeholder }: {
  value?: number; onChange?: (v: number | undefined) => void; allowClear?: boolean; style?: React.CSSProperties; id?: string; placeholder?: string;
}) {
  const { t } = useT();
  const tree = useUnitTree();
  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={(v) => onChange?.(v as number | undefined)}
      treeData={tree.data ? toOptions(tree.data) : []}
      loading={tree.isPending}
      treeDefaultExpandAll
      allowClear={allowClear}
      placeholder={placeholder ?? t('common.chooseUnit')}
      style={{ minWidth: 200, ...style }}
      showSearch
      treeNodeFilterProp="title"
      aria-label={t('common.unit')}
    />
  );
}
