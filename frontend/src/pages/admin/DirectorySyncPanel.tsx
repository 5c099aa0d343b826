import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Empty, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useDirectorySync, useProviders, useSyncRuns } from '../../api/identity';
import { useUnits, useUsers } from '../../api/org';
import { problemMessage } from '../../api/errors';
import type { SyncRunRead, SyncRunSummary } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { countRows, describeChange, keptReason, namesFor, syncProviders, totalChanges, whoName, type KeptUnit, type SyncChange } from './directorySync';

const when = (v: string | null | undefined) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '');

function Counts({ counts }: { counts: Record<string, number> }) {
  const { t } = useT();
  return <Space size={[4, 4]} wrap>{countRows(counts, t).map((r) => <Tag key={r.op}>{`${r.label} ${r.count}`}</Tag>)}</Space>;
}

/** 身份源 → 目录同步: dry run, apply, and the runs so far, for a DingTalk / WeCom / Feishu provider. */
export default function DirectorySyncPanel() {
  const { t, locale } = useT();
  const providers = useProviders();
  const candidates = useMemo(() => syncProviders(providers.data?.items ?? []), [providers.data]);
  const [providerId, setProviderId] = useState<number | undefined>();
  useEffect(() => {
    if (candidates.length && !candidates.some((p) => p.id === providerId)) setProviderId(candidates[0].id);
  }, [candidates, providerId]);
  const runs = useSyncRuns(providerId);
  const sync = useDirectorySync();
  const units = useUnits();
  const users = useUsers();
  const feedback = useApiFeedback();
  const [result, setResult] = useState<SyncRunRead | null>(null);
  const [error, setError] = useState<unknown>(null);
  const plan = (result?.plan ?? []) as SyncChange[];
  const names = useMemo(() => namesFor(plan, units.data?.items, users.data?.items), [plan, units.data, users.data]);

  const run = async (dryRun: boolean) => {
    if (providerId === undefined) return;
    setError(null);
    try {
      const r = await sync.mutateAsync({ providerId, dryRun });
      setResult(r);
      if (!dryRun) feedback.ok(t('identity.sync.applied', { count: totalChanges(r.counts) }));
    } catch (err) {
      setResult(null);
      setError(err);
    }
  };

  if (providers.error) return <ErrorAlert error={providers.error} />;
  if (!providers.isPending && !candidates.length) return <Empty description={t('identity.sync.none')} />;

  const kept = (result?.kept ?? []) as KeptUnit[];
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('identity.sync.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>{t('identity.sync.provider')}</Typography.Text>
        <Select style={{ minWidth: 200 }} value={providerId} loading={providers.isPending}
          onChange={(v) => { setProviderId(v); setResult(null); setError(null); }}
          options={candidates.map((p) => ({ value: p.id, label: p.name === t(`identity.kindName.${p.kind}`) ? p.name : `${p.name}（${t(`identity.kindName.${p.kind}`)}）` }))} />
        <Button onClick={() => void run(true)} loading={sync.isPending && sync.variables?.dryRun} disabled={providerId === undefined}>{t('identity.sync.dryRun')}</Button>
        <Popconfirm title={t('identity.sync.applyConfirm')} onConfirm={() => run(false)} disabled={providerId === undefined}>
          <Button type="primary" loading={sync.isPending && !sync.variables?.dryRun} disabled={providerId === undefined}>{t('identity.sync.apply')}</Button>
        </Popconfirm>
      </Space>
      {error ? <Alert type="error" showIcon closable onClose={() => setError(null)} message={problemMessage(error, t)} style={{ marginBottom: 12 }} /> : null}
      {result && (
        <Card size="small" style={{ marginBottom: 12 }}
          title={<Space wrap>{result.dry_run ? t('identity.sync.planTitle') : t('identity.sync.resultTitle')}<Counts counts={result.counts} /></Space>}>
          {plan.length === 0 ? <Alert type="success" showIcon message={t('identity.sync.noChanges')} style={{ marginBottom: 12 }} /> : (
            <>
              <Typography.Title level={5}>{t('identity.sync.changes', { count: plan.length })}</Typography.Title>
              <Table<{ i: number; c: SyncChange }> size="small" rowKey="i" showHeader={false}
                dataSource={plan.map((c, i) => ({ i, c }))} pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
                columns={[{ render: (_, { c }) => describeChange(c, names, t) }]} />
            </>
          )}
          {kept.length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 12 }}>{t('identity.sync.keptTitle', { count: kept.length })}</Typography.Title>
              <Typography.Paragraph type="secondary">{t('identity.sync.keptHelp')}</Typography.Paragraph>
              <Table<KeptUnit> size="small" rowKey={(k) => String(k.external_id)} dataSource={kept} pagination={false} showHeader={false}
                columns={[
                  { render: (_, k) => <Typography.Text strong>{String(k.name ?? k.external_id)}</Typography.Text> },
                  { render: (_, k) => keptReason(k, t, locale) },
                ]} />
            </>
          )}
        </Card>
      )}
      <Card size="small" title={t('identity.sync.runs')}>
        <ErrorAlert error={runs.error} />
        <Table<SyncRunSummary> size="small" rowKey="id" loading={runs.isPending && providerId !== undefined} pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={[...(runs.data?.items ?? [])].reverse()} scroll={{ x: 760 }} locale={{ emptyText: t('identity.sync.runsNone') }}
          columns={[
            { title: t('identity.sync.startedAt'), dataIndex: 'started_at', width: 140, render: when },
            { title: t('identity.sync.mode'), dataIndex: 'dry_run', width: 80, render: (d: boolean) => (d ? <Tag>{t('identity.sync.modeDry')}</Tag> : <Tag color="blue">{t('identity.sync.modeApply')}</Tag>) },
            { title: t('identity.sync.actor'), dataIndex: 'actor', width: 110, render: (a: string) => whoName(a, users.data?.items) },
            { title: t('identity.sync.finishedAt'), dataIndex: 'finished_at', width: 140, render: (v: string | null) => (v ? when(v) : <Tag color="orange">{t('identity.sync.unfinished')}</Tag>) },
            { title: t('identity.sync.counts'), dataIndex: 'counts', render: (c: Record<string, number>) => <Counts counts={c} /> },
          ]} />
      </Card>
    </div>
  );
}
