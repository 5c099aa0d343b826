/** 时限规则: how many working days an approval stage, a plan task or an improvement action may wait,
 * when its holders are reminded and when the next level up is told. Open items keep the limit they got. */
import { useState } from 'react';
import { Button, InputNumber, Table, Tag, Typography } from 'antd';
import { useSaveSlaPolicy, useSlaPolicies } from '../../../api/reminders';
import type { PolicyBody, PolicyRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';

type Edits = Record<string, Partial<PolicyBody>>;

export function SlaTab() {
  const { t } = useT();
  const policies = useSlaPolicies();
  const save = useSaveSlaPolicy();
  const feedback = useApiFeedback();
  const [edits, setEdits] = useState<Edits>({});
  const value = (p: PolicyRead, f: keyof PolicyBody) => edits[p.kind]?.[f] ?? p[f];
  const set = (p: PolicyRead, f: keyof PolicyBody, v: number | null) =>
    setEdits((e) => ({ ...e, [p.kind]: { ...e[p.kind], [f]: v ?? 0 } }));
  const number = (p: PolicyRead, f: keyof PolicyBody, max: number) => (
    <InputNumber min={0} max={max} precision={0} value={value(p, f)} onChange={(v) => set(p, f, v)} style={{ width: 150 }}
      aria-label={`${t(`notifications.admin.policyKinds.${p.kind}`)} ${t(`notifications.admin.policy.${f}`)}`} addonAfter={t('notifications.admin.days')} />
  );
  return (
    <QueryState loading={policies.isPending} error={policies.error}>
      <Typography.Paragraph type="secondary">{t('notifications.admin.slaHelp')}</Typography.Paragraph>
      <Table<PolicyRead> size="small" rowKey="kind" style={{ maxWidth: 900 }} dataSource={policies.data?.items ?? []} pagination={false} scroll={{ x: 760 }}
        columns={[
          { title: t('notifications.admin.policyKind'), dataIndex: 'kind', render: (k: string, p) => (
            <>{t(`notifications.admin.policyKinds.${k}`)} {p.chosen ? <Tag color="blue">{t('notifications.admin.companySet')}</Tag> : <Tag>{t('notifications.admin.builtIn')}</Tag>}</>
          ) },
          { title: t('notifications.admin.policy.limit_days'), key: 'limit', width: 170, render: (_, p) => number(p, 'limit_days', 60) },
          { title: t('notifications.admin.policy.remind_before_days'), key: 'remind', width: 170, render: (_, p) => number(p, 'remind_before_days', 10) },
          { title: t('notifications.admin.policy.escalate_after_days'), key: 'escalate', width: 170, render: (_, p) => number(p, 'escalate_after_days', 30) },
          { title: '', key: 'save', width: 80, render: (_, p) => (
            <Button size="small" type="primary" disabled={!edits[p.kind]} loading={save.isPending && save.variables?.kind === p.kind} onClick={async () => {
              try {
                await save.mutateAsync({ kind: p.kind, body: { limit_days: value(p, 'limit_days'), remind_before_days: value(p, 'remind_before_days'), escalate_after_days: value(p, 'escalate_after_days') } });
                setEdits(({ [p.kind]: _done, ...rest }) => rest);
                feedback.ok(t('notifications.admin.policySaved'));
              } catch (err) {
                feedback.fail(err);
              }
            }}>{t('common.save')}</Button>
          ) },
        ]} />
    </QueryState>
  );
}
