import { useEffect, useState } from 'react';
import { Button, Card, Checkbox, Col, Empty, Input, List, Row, Space, Table, Typography } from 'antd';
import { useRole, useRoles, useUpdateRole } from '../../api/org';
import type { Right, RightScope, Scope } from '../../api/types';
import { QueryState } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { RIGHTS, SCOPES, hasPair, togglePair } from './rights';

export default function RolesPage() {
  const { t } = useT();
  const roles = useRoles();
  const [selected, setSelected] = useState<number | undefined>();
  const role = useRole(selected);
  const update = useUpdateRole(selected ?? 0);
  const feedback = useApiFeedback();
  const [draft, setDraft] = useState<RightScope[]>([]);
  const [desc, setDesc] = useState('');
  useEffect(() => {
    if (role.data) { setDraft(role.data.rights); setDesc(role.data.description); }
  }, [role.data]);
  const norm = (rs: RightScope[]) => rs.map((r) => `${r.right}:${r.scope}`).sort().join(',');
  const dirty = !!role.data && (norm(role.data.rights) !== norm(draft) || role.data.description !== desc);
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('org.rolesTitle')}</Typography.Title>
      <Row gutter={12}>
        <Col xs={24} lg={7}>
          <Card size="small">
            <QueryState loading={roles.isPending} error={roles.error} empty={(roles.data?.items ?? []).length === 0}>
              <List size="small" dataSource={roles.data?.items ?? []} renderItem={(r) => (
                <List.Item style={{ cursor: 'pointer', background: r.id === selected ? '#e6f4ff' : undefined, paddingLeft: 8 }}>
                  <Button type="link" style={{ padding: 0 }} onClick={() => setSelected(r.id)}>{r.name}</Button>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.key}</Typography.Text>
                </List.Item>
              )} />
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          <Card size="small" title={role.data ? `${role.data.name} · ${t('org.matrix')}` : t('org.matrix')}
            extra={role.data && <Space>
              <Button onClick={() => { setDraft(role.data.rights); setDesc(role.data.description); }} disabled={!dirty}>{t('common.reset')}</Button>
              <Button type="primary" disabled={!dirty} loading={update.isPending} onClick={async () => {
                try {
                  await update.mutateAsync({ rights: draft, description: desc });
                  feedback.ok(t('org.roleSaved'));
                } catch (err) { feedback.fail(err); }
              }}>{t('common.save')}</Button>
            </Space>}>
            {selected === undefined ? <Empty description={t('org.selectRole')} /> : (
              <QueryState loading={role.isPending} error={role.error}>
                <Input.TextArea aria-label={t('org.description')} placeholder={t('org.description')} value={desc} onChange={(e) => setDesc(e.target.value)} rows={2} style={{ marginBottom: 12 }} />
                <Table size="small" pagination={false} rowKey="right" dataSource={RIGHTS.map((r) => ({ right: r }))} columns={[
                  { title: t('org.rightLabel'), dataIndex: 'right', render: (r: Right) => <span>{t(`org.right.${r}`)}</span> },
                  ...SCOPES.map((s: Scope) => ({
                    title: t(`org.scope.${s}`), key: s, align: 'center' as const,
                    render: (_: unknown, row: { right: Right }) => (
                      <Checkbox aria-label={`${t(`org.right.${row.right}`)} × ${t(`org.scope.${s}`)}`} data-cell={`${row.right}:${s}`}
                        checked={hasPair(draft, row.right, s)} onChange={() => setDraft((d) => togglePair(d, row.right, s))} />
                    ),
                  })),
                ]} />
              </QueryState>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
