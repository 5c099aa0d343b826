/** 我的待办: everything that waits on the reader, one card per kind with its count, each item named and
 * linked to the page where it is done. */
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Badge, Card, Col, List, Row, Space, Tag, Typography } from 'antd';
import { useInbox } from '../../api/inbox';
import type { InboxPart, InboxRead } from '../../api/types';
import { QueryState, StatusTag, useUnitNames } from '../../components/common';
import { indicatorName } from '../../components/Indicator';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { links } from './links';

const PAGE = 5;

type Row = { key: string | number; title: ReactNode; href: string; action: string; description: ReactNode };

function Group({ part, count, rows, extra }: { part: InboxPart; count: number; rows: Row[]; extra?: ReactNode }) {
  const { t } = useT();
  return (
    <Card size="small" data-testid={`inbox-${part}`} extra={extra}
      title={<Space>{t(`inbox.parts.${part}`)}<Badge count={count} showZero color={count ? '#1677ff' : '#bfbfbf'} /></Space>}>
      <List size="small" dataSource={rows} pagination={rows.length > PAGE ? { pageSize: PAGE, size: 'small' } : false}
        // nothing waiting is the good case: one quiet line, not an illustration the size of a list
        locale={{ emptyText: <Typography.Text type="secondary">{t(`inbox.empty.${part}`)}</Typography.Text> }}
        renderItem={(r) => (
          <List.Item key={r.key} actions={[<Link key="go" to={r.href}>{r.action}</Link>]}>
            <List.Item.Meta title={<Link to={r.href}>{r.title}</Link>} description={r.description} />
          </List.Item>
        )} />
    </Card>
  );
}

const when = (iso?: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

function daysLate(due?: string | null): number {
  if (!due) return 0;
  return Math.max(0, Math.floor((Date.now() - new Date(`${due}T00:00:00`).getTime()) / 86_400_000));
}

export default function InboxPage() {
  const { t, locale } = useT();
  const inbox = useInbox();
  const units = useUnitNames();
  const { me } = useSession();
  const meId = me?.user.id;
  const data = inbox.data;
  const unitName = (id?: number | null) => (id == null ? '' : units.get(id)?.name ?? String(id));
  const indicator = (i: { indicator_code?: string | null; indicator_name: string | null; indicator_name_en: string | null }) =>
    i.indicator_name ? indicatorName({ name: i.indicator_name, name_en: i.indicator_name_en ?? '' }, locale) : i.indicator_code ?? '';
  const list = <K extends InboxPart>(part: K): NonNullable<InboxRead[K]> => (data?.[part] ?? []) as NonNullable<InboxRead[K]>;
  const errors = Object.entries(data?.errors ?? {});

  const rows: Record<InboxPart, Row[]> = {
    pending_approvals: list('pending_approvals').map((p) => ({
      key: p.id, title: p.title, href: links.pending_approvals(p), action: t('inbox.go.pending_approvals'),
      description: <Space size={4} wrap>
        <StatusTag status={p.status} />
        <Tag>{t(`plans.kind.${p.kind}`)}</Tag>
        <span>{unitName(p.unit_id)}</span>
        <span>{p.period}</span>
        {(p.allowed_actions ?? []).filter((a) => ['approve', 'issue', 'publish'].includes(a)).map((a) => <Tag color="blue" key={a}>{t(`plans.action.${a}`)}</Tag>)}
      </Space>,
    })),
    suggestions_to_answer: list('suggestions_to_answer').map((s) => ({
      key: s.id, title: s.plan_title, href: links.suggestions_to_answer(s), action: t('inbox.go.suggestions_to_answer'),
      description: <Space direction="vertical" size={0} style={{ width: '100%' }}>
        <Typography.Text ellipsis={{ tooltip: s.text }}>{t('inbox.suggestion', { name: s.author_name || s.author, text: s.text })}</Typography.Text>
        <Space size={8} wrap><span>{unitName(s.plan_unit_id)}</span><span>{s.plan_period}</span><span>{when(s.created_at)}</span></Space>
      </Space>,
    })),
    plans_to_rework: list('plans_to_rework').map((p) => ({
      key: p.id, title: p.title, href: links.plans_to_rework(p),
      action: t(p.status === 'returned' ? 'inbox.go.returned' : 'inbox.go.vetoed'),
      description: <Space direction="vertical" size={0} style={{ width: '100%' }}>
        <Space size={4} wrap><StatusTag status={p.status} /><span>{unitName(p.unit_id)}</span><span>{p.period}</span>
          {p.decided_by_name && <span>{t(p.status === 'returned' ? 'inbox.returnedBy' : 'inbox.vetoedBy', { name: p.decided_by_name })}</span>}
          <span>{when(p.decided_at)}</span></Space>
        {p.reason && <Typography.Text ellipsis={{ tooltip: p.reason }}>{t('inbox.reason', { text: p.reason })}</Typography.Text>}
      </Space>,
    })),
    overdue_tasks: list('overdue_tasks').map((task) => ({
      key: task.id, title: task.title, href: links.overdue_tasks(task, meId),
      action: t(task.owner_id != null && task.owner_id === meId ? 'inbox.go.my_tasks' : 'inbox.go.dispatch'),
      description: <Space size={8} wrap>
        <Tag color="red">{t('inbox.daysLate', { n: daysLate(task.due) })}</Tag>
        {task.owner_id != null && task.owner_id === meId ? <Tag color="blue">{t('inbox.mine')}</Tag> : <span>{t('inbox.owner', { name: task.owner_name || '—' })}</span>}
        <span>{task.plan_title}</span>
        <span>{t('plans.due')}: {task.due}</span>
        <span>{t('plans.progress')}: {Math.round(task.progress)}%</span>
      </Space>,
    })),
    my_tasks: list('my_tasks').map((task) => ({
      key: task.id, title: task.title, href: links.my_tasks(), action: t('inbox.go.my_tasks'),
      description: <Space size={8} wrap>
        <StatusTag status={task.status} ns="plans.taskStatus" />
        <span>{task.plan_title}</span>
        <span>{t('plans.due')}: {task.due ?? '—'}</span>
        <span>{t('plans.progress')}: {Math.round(task.progress)}%</span>
      </Space>,
    })),
    risk_actions: list('risk_actions').map((a) => ({
      key: a.id, title: a.title, href: links.risk_actions(a), action: t('inbox.go.risk_actions'),
      description: <Space size={8} wrap>
        <Tag color={a.source === 'contingency' ? 'volcano' : 'default'}>{t(`risk.sources.${a.source}`)}</Tag>
        <span>{a.risk_title}</span>
        <span>{unitName(a.unit_id)}</span>
        <span>{t('plans.due')}: {a.due ?? '—'}</span>
        <Tag>{t(`risk.actionStatuses.${a.status}`)}</Tag>
      </Space>,
    })),
    my_actions: list('my_actions').map((a) => ({
      key: a.id, title: <Space>{a.title}{a.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}</Space>,
      href: links.my_actions(), action: t('inbox.go.my_actions'),
      description: <Space size={8} wrap>
        <span>{unitName(a.unit_id)}</span>
        {a.indicator_code && <span>{indicator(a)}</span>}
        <span>{t('plans.due')}: {a.due}</span>
        <Tag>{t(`inbox.actionStatus.${a.status}`)}</Tag>
      </Space>,
    })),
    audit_steps: list('audit_steps').map((a) => ({
      key: a.id, title: <Space>{a.title}{a.response_overdue && <Tag color="red">{t('audits.responseOverdue')}</Tag>}</Space>,
      href: links.audit_steps(a), action: t(`audits.nextSteps.${a.next_step ?? 'final'}`),
      description: <Space size={8} wrap>
        <Tag>{t(`audits.stages.${a.status}`)}</Tag>
        <span>{a.units.map((u) => u.unit_name).join('、')}</span>
        {a.response_due && <span>{t('audits.responseDue')}: {a.response_due}</span>}
      </Space>,
    })),
    improvement_steps: list('improvement_steps').map((s) => ({
      key: s.project_id, title: s.title, href: links.improvement_steps(s), action: t('inbox.go.improvement_steps'),
      description: <Space size={8} wrap>
        <Tag color={s.reason === 'stage' ? 'blue' : s.reason === 'evaluation' ? 'purple' : 'red'}>
          {s.reason === 'stage' ? t('improvement.inbox.stage', { stage: t(`improvement.stage.${s.stage}`) }) : t(`improvement.inbox.${s.reason}`)}
        </Tag>
        <span>{s.unit_name}</span>
        {s.reason !== 'stage' && s.owner_name && <span>{t('inbox.owner', { name: s.owner_name })}</span>}
        {s.next_review && <span>{t('improvement.detail.nextReview')}: {s.next_review}</span>}
      </Space>,
    })),
    inspections_to_do: list('inspections_to_do').map((i) => ({
      key: i.id, title: <Space>{i.template_name}{i.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}</Space>,
      href: links.inspections_to_do(i), action: t('inbox.go.inspections_to_do'),
      description: <Space size={8} wrap>
        <span>{i.unit_name}</span>
        <span>{i.inspector_title}</span>
        <span>{t('plans.due')}: {i.due}</span>
        <span>{t('inspections.progress', { done: i.answered_items, total: i.total_items })}</span>
      </Space>,
    })),
    sanctions_to_confirm: list('sanctions_to_confirm').map((l) => ({
      key: l.id, title: <Space>{l.person_name || unitName(l.unit_id)}<Tag color={l.kind === 'reward' ? 'green' : 'red'}>{t(`kpi.outcomeTypes.${l.type}`)}{l.amount ? ` ${l.amount.toLocaleString('zh-CN')} 元` : ''}</Tag></Space>,
      href: links.sanctions_to_confirm(l), action: t('inbox.go.sanctions_to_confirm'),
      description: <Space size={8} wrap><span>{unitName(l.unit_id)}</span><span>{l.basis}</span></Space>,
    })),
    open_alerts: list('open_alerts').map((a) => ({
      key: a.id,
      title: <Space>{a.risk_title ?? indicator(a)}<Tag color={a.level === 'critical' ? 'red' : 'orange'}>{t(`inbox.alertLevel.${a.level}`)}</Tag><StatusTag status={a.status} ns="inbox.alertStatus" /></Space>,
      href: links.open_alerts(), action: t('inbox.go.open_alerts'),
      description: <Space size={8} wrap>
        <span>{unitName(a.unit_id)}</span>
        <span>{indicator(a)} {a.period}</span>
        <span>{t('inbox.valueVsThreshold', { value: a.value, threshold: a.threshold })}</span>
        <span>{when(a.raised_at)}</span>
      </Space>,
    })),
    proposals_to_review: list('proposals_to_review').map((p) => ({
      key: p.id, title: p.title, href: links.proposals_to_review(p), action: t('inbox.go.proposals_to_review'),
      description: <Space size={8} wrap>
        <span>{p.unit_name}</span>
        {p.waiting && <Tag color="processing">{p.waiting.name}</Tag>}
        <span>{p.anonymous && !p.mine ? t('proposals.anonymousName') : p.proposer_name}</span>
        <span>{when(p.created_at)}</span>
      </Space>,
    })),
    rewards_to_grant: list('rewards_to_grant').map((p) => ({
      key: p.id, title: p.title, href: links.rewards_to_grant(p), action: t('inbox.go.rewards_to_grant'),
      description: <Space size={8} wrap>
        <span>{p.unit_name}</span>
        <span>{t('proposals.benefit')}: {p.benefit}</span>
        {p.benefit_amount != null && <span>{t('proposals.yuan', { amount: p.benefit_amount.toLocaleString('zh-CN') })}</span>}
      </Space>,
    })),
    // training (issue 20)
    training_to_approve: list('training_to_approve').map((p) => ({
      key: p.id, title: p.title, href: links.training_to_approve(), action: t('inbox.go.training_to_approve'),
      description: <Space size={8} wrap><span>{p.unit_name}</span><span>{p.year}</span><span>{p.drafted_by_name}</span></Space>,
    })),
    certifications_expiring: list('certifications_expiring').map((c) => ({
      key: c.id, title: `${c.user_name}《${c.name}》`, href: links.certifications_expiring(), action: t('inbox.go.certifications_expiring'),
      description: <Space size={8} wrap>
        <Tag color={c.status === 'expired' ? 'red' : 'orange'}>{t(`training.certStatus.${c.status}`)}</Tag>
        <span>{c.unit_name}</span><span>{c.expires_on}</span>
      </Space>,
    })),
  };
  const order: InboxPart[] = ['pending_approvals', 'suggestions_to_answer', 'plans_to_rework', 'overdue_tasks',
    'my_tasks', 'risk_actions', 'my_actions', 'inspections_to_do', 'audit_steps', 'improvement_steps',
    'proposals_to_review', 'rewards_to_grant', 'sanctions_to_confirm', 'training_to_approve',
    'certifications_expiring', 'open_alerts'];
  const total = order.reduce((n, part) => n + rows[part].length, 0);
  return (
    <div>
      <Space align="baseline" style={{ marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('inbox.title')}</Typography.Title>
        {data && <Typography.Text type="secondary" data-testid="inbox-total">{t('inbox.total', { n: total })}</Typography.Text>}
      </Space>
      <QueryState loading={inbox.isPending} error={inbox.error}>
        {errors.length > 0 && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('inbox.partial')}
            description={errors.map(([part, detail]) => t('inbox.partMissing', { part: t(`inbox.parts.${part}`), detail })).join('；')} />
        )}
        <Row gutter={[12, 12]}>
          {order.map((part) => (
            <Col xs={24} xl={12} key={part}>
              <Group part={part} count={rows[part].length} rows={rows[part]}
                extra={part === 'my_tasks' ? <Link to="/plans/tasks">{t('inbox.reportProgress')}</Link> : undefined} />
            </Col>
          ))}
        </Row>
      </QueryState>
    </div>
  );
}
