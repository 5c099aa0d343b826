import { useState } from 'react';
import { Alert, Button, Card, Form, Select, Table, Tag, Typography } from 'antd';
import { useExplain, useUsers } from '../../api/org';
import type { ExplainRead, Right } from '../../api/types';
import { QueryState, UnitSelect, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { RIGHTS, scopeKey } from './rights';

type Q = { user_id?: number; right?: Right; unit_id?: number };

export default function ExplainPage() {
  const { t } = useT();
  const users = useUsers();
  const [q, setQ] = useState<Q>({});
  const explain = useExplain(q);
  const [form] = Form.useForm<Q>();
  const units = useUnitNames();
  const byPath = new Map([...units.values()].map((u) => [u.path, u.name]));
  const userName = (id?: number) => (users.data?.items ?? []).find((u) => u.id === id)?.display_name ?? String(id ?? '');
  // The server's summary is English; the page says the same in the reader's language from the grants.
  const summary = (e: ExplainRead) => {
    const vars = { user: userName(e.user_id), unit: units.get(e.unit_id)?.name ?? e.unit_path, right: t(`org.right.${e.right}`) };
    const g = e.grants[0];
    if (!g) return t('org.explainDenied', vars);
    if (g.source === 'delegation') return t('org.explainByDelegation', { ...vars, from: g.delegated_by_user ?? '—' });
    return t('org.explainByPosition', { ...vars, position: g.position_title, role: g.role_name, scope: g.scope ? t(scopeKey(g.scope, g.heads_unit)) : '—' });
  };
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('org.explainTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form form={form} layout="inline" onFinish={(v) => setQ({ ...v })}>
          <Form.Item name="user_id" label={t('org.user')} rules={[{ required: true, message: t('org.userRequired') }]}>
            <Select showSearch optionFilterProp="label" style={{ width: 200 }} options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.display_name} (${u.username})` }))} />
          </Form.Item>
          <Form.Item name="right" label={t('org.rightLabel')} rules={[{ required: true, message: t('org.rightRequired') }]}>
            <Select style={{ width: 140 }} options={RIGHTS.map((r) => ({ value: r, label: t(`org.right.${r}`) }))} />
          </Form.Item>
          <Form.Item name="unit_id" label={t('common.unit')} rules={[{ required: true, message: t('plans.unitRequired') }]}><UnitSelect style={{ width: 200 }} /></Form.Item>
          <Form.Item><Button type="primary" htmlType="submit">{t('org.explain')}</Button></Form.Item>
        </Form>
      </Card>
      {q.user_id !== undefined && (
        <QueryState loading={explain.isPending} error={explain.error}>
          {explain.data && (
            <>
              <Alert type={explain.data.allowed ? 'success' : 'warning'} showIcon style={{ marginBottom: 12 }}
                message={explain.data.allowed ? t('org.allowed') : t('org.notAllowed')} description={summary(explain.data)} />
              <Table size="small" rowKey="key" pagination={false} dataSource={explain.data.grants.map((g, i) => ({ ...g, key: `${g.via}-${g.right}-${i}` }))} locale={{ emptyText: t('org.noGrants') }} columns={[
                { title: t('org.rightLabel'), dataIndex: 'right', render: (r: string) => t(`org.right.${r}`) },
                { title: t('org.source'), dataIndex: 'source', render: (s: string) => <Tag>{t(`org.sourceKind.${s}`)}</Tag> },
                { title: t('org.position'), dataIndex: 'position_title', render: (v: string | null, g) => v ?? g.delegated_by_user ?? '—' },
                { title: t('org.role'), dataIndex: 'role_name', render: (v: string | null) => v ?? '—' },
                { title: t('org.scopeLabel'), dataIndex: 'scope', render: (v: string | null, g) => (v ? t(scopeKey(v, g.heads_unit)) : '—') },
                { title: t('common.unit'), dataIndex: 'unit_path', render: (p: string) => byPath.get(p) ?? p },
                { title: t('org.heldAt'), dataIndex: 'held_at', render: (p: string) => byPath.get(p) ?? p },
                { title: t('org.mode'), dataIndex: 'mode', render: (m: string) => t(`org.modeName.${m}`) },
              ]} />
            </>
          )}
        </QueryState>
      )}
    </div>
  );
}
