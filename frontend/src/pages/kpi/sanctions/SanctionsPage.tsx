/** 奖惩登记: the register of rewards and penalties (filters, totals in 元, confirm / change / dismiss, payroll
 * export, innovation rewards) and the company scale (奖惩标准, kept by the company admin). */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button, Card, Col, Grid, Input, List, Row, Select, Space, Statistic, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, TrophyOutlined } from '@ant-design/icons';
import { useUsers } from '../../../api/org';
import { useSession } from '../../../app/session';
import { useApiFeedback } from '../../../app/feedback';
import { ErrorAlert, UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';
import { useWhoName } from '../people';
import { isPeriod } from '../period';
import { DecisionModal } from './DecisionModal';
import { exportPayroll, useSanctions, type SanctionRead } from './hooks';
import { InnovationModal } from './InnovationModal';
import { ScaleTab } from './ScaleTab';
import { exportPeriod, fmtYuan, STATUS_COLOR } from './sanctionView';

function Register() {
  const { t } = useT();
  const { access } = useSession();
  const feedback = useApiFeedback();
  const who = useWhoName();
  const [search] = useSearchParams();
  const [unit, setUnit] = useState<number | undefined>();
  const [periodText, setPeriodText] = useState('');
  const [period, setPeriod] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>(search.get('status') ?? undefined);
  const [kind, setKind] = useState<string | undefined>();
  const [source, setSource] = useState<string | undefined>();
  const [mine, setMine] = useState(false);
  const [person, setPerson] = useState<number | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [deciding, setDeciding] = useState<SanctionRead | undefined>();
  const [granting, setGranting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const focus = Number(search.get('focus')) || undefined;
  const wide = Grid.useBreakpoint().md ?? true;
  const list = useSanctions({ unit_id: unit, person_id: person, period, status, kind, source, mine, cursor });
  const assessor = access.rights.has('assess');
  const users = useUsers();
  const periodOk = !periodText || isPeriod(periodText);
  const reset = () => setCursor(undefined);
  const payrollPeriod = exportPeriod(period);
  const totals = list.data?.totals;
  const name = (l: SanctionRead) => {
    if (l.person_name) return l.person_name;
    if (l.person_id != null) return who(String(l.person_id));
    return l.subject_kind === 'person' ? t('sanctions.anonymous') : l.unit_name;
  };
  // who decided, by name; a bare id the reader may not look up is left out
  const decider = (l: SanctionRead) => {
    const n = l.decided_by ? who(l.decided_by) : '';
    return n && n !== l.decided_by && l.status !== 'proposed' ? t('sanctions.decidedBy') + '：' + n : '';
  };
  const kindTag = (l: SanctionRead) => <Tag color={l.kind === 'reward' ? 'green' : 'red'}>{t(`sanctions.kinds.${l.kind}`)}·{t(`kpi.outcomeTypes.${l.type}`)}</Tag>;
  const basis = (l: SanctionRead) => (l.assessment_id ? <Link to={`/kpi/assessments/${l.assessment_id}`}>{l.basis}</Link> : <span>{l.basis}</span>);
  const decide = (l: SanctionRead) => (l.can_decide
    ? <Button size="small" type="primary" onClick={() => setDeciding(l)} data-testid={`sanctions-decide-${l.id}`}>{t('sanctions.decide')}</Button> : null);
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); reset(); }} style={{ width: 200 }} />
        {assessor && (
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('sanctions.personFilter')} aria-label={t('sanctions.personFilter')} value={person} style={{ width: 150 }}
            onChange={(v) => { setPerson(v); reset(); }} options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
        )}
        <Input.Search allowClear aria-label={t('sanctions.period')} placeholder={t('sanctions.period')} value={periodText} status={periodOk ? undefined : 'error'} style={{ width: 140 }}
          onChange={(e) => setPeriodText(e.target.value)} onSearch={(v) => { if (!v || isPeriod(v)) { setPeriod(v.trim() || undefined); reset(); } }} />
        <Select allowClear placeholder={t('sanctions.status')} aria-label={t('sanctions.status')} value={status} style={{ width: 110 }}
          onChange={(v) => { setStatus(v); reset(); }} options={['proposed', 'confirmed', 'dismissed'].map((s) => ({ value: s, label: t(`sanctions.statuses.${s}`) }))} />
        <Select allowClear placeholder={t('sanctions.kindType')} aria-label={t('sanctions.kindType')} value={kind} style={{ width: 100 }}
          onChange={(v) => { setKind(v); reset(); }} options={['reward', 'penalty'].map((s) => ({ value: s, label: t(`sanctions.kinds.${s}`) }))} />
        <Select allowClear placeholder={t('sanctions.source')} aria-label={t('sanctions.source')} value={source} style={{ width: 170 }}
          onChange={(v) => { setSource(v); reset(); }} options={['assessment', 'innovation', 'proposal'].map((s) => ({ value: s, label: t(`sanctions.sources.${s}`) }))} />
        <Space size={4}><Switch size="small" checked={mine} onChange={(v) => { setMine(v); reset(); }} aria-label={t('sanctions.mine')} />{t('sanctions.mine')}</Space>
        {assessor && (
          <Tooltip title={t('sanctions.exportHint', { period: payrollPeriod })}>
            <Button icon={<DownloadOutlined />} loading={exporting} data-testid="sanctions-export" onClick={async () => {
              setExporting(true);
              const err = await exportPayroll(payrollPeriod, unit);
              setExporting(false);
              if (err) feedback.fail(err); else feedback.ok(t('sanctions.exported', { period: payrollPeriod }));
            }}>{t('sanctions.export')}</Button>
          </Tooltip>
        )}
        {assessor && <Button icon={<TrophyOutlined />} onClick={() => setGranting(true)}>{t('sanctions.innovation')}</Button>}
      </Space>
      <ErrorAlert error={list.error} />
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }} data-testid="sanctions-totals">
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('sanctions.totals.rewards')} value={fmtYuan(totals?.rewards ?? 0)} valueStyle={{ color: '#389e0d', fontSize: 20 }} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('sanctions.totals.penalties')} value={fmtYuan(totals?.penalties ?? 0)} valueStyle={{ color: '#cf1322', fontSize: 20 }} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('sanctions.totals.proposed')} value={fmtYuan(totals?.proposed ?? 0)} valueStyle={{ color: '#d48806', fontSize: 20 }} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('sanctions.totals.count')} value={totals?.count ?? 0} valueStyle={{ fontSize: 20 }} /></Card></Col>
      </Row>
      <div data-testid="sanctions-register">
      {wide ? (
      <Table<SanctionRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1100 }}
        locale={{ emptyText: t('sanctions.empty') }}
        rowClassName={(l) => (l.id === focus ? 'ant-table-row-selected' : '')}
        onRow={() => ({ 'data-testid': 'sanction-line' } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: t('sanctions.subject'), width: 150, render: (_, l) => <Space direction="vertical" size={0}><span>{name(l)}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`sanctions.sources.${l.source}`)}</Typography.Text></Space> },
          { title: t('sanctions.unit'), dataIndex: 'unit_name', width: 120 },
          { title: t('sanctions.kindType'), width: 120, render: (_, l) => kindTag(l) },
          { title: t('sanctions.amount'), dataIndex: 'amount', width: 110, align: 'right', render: (v: number | null, l) => fmtYuan(v, { signed: true, kind: l.kind }) },
          { title: t('sanctions.period'), dataIndex: 'period', width: 80 },
          { title: t('sanctions.basis'), render: (_, l) => (
            <Space direction="vertical" size={0}>
              {basis(l)}
              {l.note && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{l.note}</Typography.Text>}
              {l.reason && l.source === 'assessment' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('sanctions.reason')}：{l.reason}</Typography.Text>}
            </Space>
          ) },
          { title: t('sanctions.status'), dataIndex: 'status', width: 150, render: (st: string, l) => (
            <Space direction="vertical" size={0}>
              <Tag color={STATUS_COLOR[st]}>{t(`sanctions.statuses.${st}`)}</Tag>
              {decider(l) && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{decider(l)}</Typography.Text>}
            </Space>
          ) },
          { title: '', width: 90, fixed: 'right', render: (_, l) => decide(l) },
        ]} />
      ) : (
        <List<SanctionRead> loading={list.isPending} dataSource={list.data?.items ?? []} locale={{ emptyText: t('sanctions.empty') }}
          renderItem={(l) => (
            <List.Item data-testid="sanction-line" style={{ display: 'block' }}>
              <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                <Typography.Text strong>{name(l)}</Typography.Text>
                <Tag color={STATUS_COLOR[l.status]}>{t(`sanctions.statuses.${l.status}`)}</Tag>
              </Space>
              <Space size={6} wrap style={{ marginTop: 4 }}>
                {kindTag(l)}<span>{fmtYuan(l.amount, { signed: true, kind: l.kind })}</span><span>{l.period}</span><Typography.Text type="secondary">{l.unit_name}</Typography.Text>
              </Space>
              <div style={{ marginTop: 4, fontSize: 13 }}>{basis(l)}{l.note ? <Typography.Text type="secondary">（{l.note}）</Typography.Text> : null}</div>
              {(decider(l) || l.can_decide) && (
                <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 4 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{decider(l)}</Typography.Text>
                  {decide(l)}
                </Space>
              )}
            </List.Item>
          )} />
      )}
      </div>
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <DecisionModal line={deciding} subject={deciding ? name(deciding) : ''} onClose={() => setDeciding(undefined)} />
      <InnovationModal open={granting} onClose={() => setGranting(false)} />
    </div>
  );
}

export default function SanctionsPage() {
  const { t } = useT();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('sanctions.title')}</Typography.Title>
      <Tabs items={[
        { key: 'register', label: t('sanctions.registerTab'), children: <Register /> },
        { key: 'scale', label: t('sanctions.scaleTab'), children: <ScaleTab /> },
      ]} />
    </div>
  );
}
