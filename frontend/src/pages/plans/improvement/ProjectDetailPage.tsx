/** A process optimisation project: its stages as steps, the current stage's document, milestones,
 * periodic reviews, links to what started it, and its history. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  Alert, Button, Card, Col, Collapse, DatePicker, Descriptions, Empty, Form, Grid, Input, List, Modal, Popconfirm, Radio, Row,
  Select, Space, Steps, Table, Tag, Timeline, Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useLinkedFinding, useProject, useProjectStep, type ProjectStep } from '../../../api/improvement';
import { useUsers } from '../../../api/org';
import type { ProjectDetail, ProjectLinkRead, ReviewOutcome, StageDocumentRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { ReviewTag, StageTag } from './parts';
import {
  advanceBlocker, DOCUMENT_STAGES, defaultReviewDate, documentOf, earlierCycles, isExternal, linkHref, STAGES, stepStatuses,
} from './stages';

const when = (iso?: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '');

type Act = (step: ProjectStep, done?: string) => Promise<boolean>;

export default function ProjectDetailPage() {
  const { t } = useT();
  const id = Number(useParams().id);
  const project = useProject(Number.isFinite(id) ? id : undefined);
  const step = useProjectStep(id);
  const feedback = useApiFeedback();
  const act: Act = async (s, done) => {
    try {
      await step.mutateAsync(s);
      feedback.ok(done ?? t('improvement.detail.saved'));
      return true;
    } catch (err) {
      feedback.fail(err);
      if (err instanceof Error && 'status' in err && (err as { status: number }).status === 412) void project.refetch();
      return false;
    }
  };
  const p = project.data;
  return (
    <QueryState loading={project.isPending} error={project.error}>
      {p && (
        <div>
          <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
            <Space wrap align="center">
              <Typography.Title level={4} style={{ margin: 0 }} data-testid="project-title">{p.title}</Typography.Title>
              <StageTag project={p} />
              {p.stage === 'review' && <ReviewTag project={p} />}
            </Space>
            <Space wrap>
              <Link to="/improvement/projects">{t('improvement.detail.back')}</Link>
              {p.can.edit && <EditButton project={p} act={act} busy={step.isPending} />}
            </Space>
          </Space>
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginBottom: 12 }} items={[
            { key: 'unit', label: t('improvement.detail.unit'), children: p.unit_name },
            { key: 'owner', label: t('improvement.detail.owner'), children: p.owner_name || '—' },
            { key: 'origin', label: t('improvement.detail.origin'), children: t(`improvement.origin.${p.origin}`) },
            { key: 'created', label: t('improvement.detail.createdBy'), children: `${p.created_by_name || p.created_by} ${when(p.created_at)}` },
          ]} />
          {p.description && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{p.description}</Typography.Paragraph>}
          <Card size="small" title={t('improvement.detail.stages')} style={{ marginBottom: 12 }}>
            <StageSteps project={p} />
          </Card>
          <Row gutter={[12, 12]}>
            <Col xs={24} xl={14}>
              <Space direction="vertical" style={{ width: '100%' }} size={12}>
                <CurrentStage project={p} act={act} busy={step.isPending} />
                <Documents project={p} />
              </Space>
            </Col>
            <Col xs={24} xl={10}>
              <Space direction="vertical" style={{ width: '100%' }} size={12}>
                <Milestones project={p} act={act} busy={step.isPending} />
                <Reviews project={p} act={act} busy={step.isPending} />
                <Links links={p.links} />
                <History project={p} />
              </Space>
            </Col>
          </Row>
        </div>
      )}
    </QueryState>
  );
}

function StageSteps({ project }: { project: ProjectDetail }) {
  const { t } = useT();
  const wide = Grid.useBreakpoint().md !== false;
  const statuses = stepStatuses(project.stage);
  return (
    <Steps size="small" direction={wide ? 'horizontal' : 'vertical'} current={STAGES.indexOf(project.stage)} data-testid="project-steps"
      items={STAGES.map((s, i) => ({
        title: t(`improvement.stage.${s}`),
        status: statuses[i],
        description: s === 'review' ? project.next_review ?? undefined
          : documentOf(project, s) ? t(`improvement.stageDoc.${s}`) : undefined,
      }))} />
  );
}

function CurrentStage({ project, act, busy }: { project: ProjectDetail; act: Act; busy: boolean }) {
  const { t } = useT();
  const [form] = Form.useForm<{ summary: string; body: string }>();
  const [toReview, setToReview] = useState(false);
  const stage = project.stage;
  const doc = documentOf(project, stage);
  useEffect(() => {
    form.setFieldsValue({ summary: doc?.summary ?? '', body: doc?.body ?? '' });
  }, [doc?.summary, doc?.body, stage, project.cycle, form]);
  if (stage === 'review') {
    return (
      <Card size="small" title={t('improvement.stage.review')}>
        <Typography.Paragraph type="secondary">{t('improvement.stageHint.review')}</Typography.Paragraph>
        <Descriptions size="small" column={1} items={[{ key: 'next', label: t('improvement.detail.nextReview'), children: <ReviewTag project={project} /> }]} />
      </Card>
    );
  }
  const blocker = advanceBlocker(project);
  const next = STAGES[STAGES.indexOf(stage) + 1];
  const advanceLabel = stage === 'evaluation' ? t('improvement.detail.pass') : stage === 'implementation' ? t('improvement.detail.toReview')
    : t('improvement.detail.advanceTo', { stage: t(`improvement.stage.${next}`) });
  const advanced = t('improvement.detail.advanced', { stage: t(`improvement.stage.${next}`) });
  const advanceButton = (
    <Button type="primary" disabled={blocker !== null || busy} data-testid="advance"
      onClick={stage === 'implementation' ? () => setToReview(true) : stage === 'evaluation' ? undefined
        : () => void act({ kind: 'advance', body: { comment: '' } }, advanced)}>
      {advanceLabel}
    </Button>
  );
  return (
    <Card size="small" title={t('improvement.detail.currentDocument', { doc: t(`improvement.stageDoc.${stage}`) })} data-testid="current-stage">
      <Typography.Paragraph type="secondary">{t(`improvement.stageHint.${stage}`)}</Typography.Paragraph>
      {project.can.record_document ? (
        <Form form={form} layout="vertical" onFinish={(v) => void act({ kind: 'document', stage, body: { summary: v.summary.trim(), body: v.body ?? '' } })}>
          <Form.Item name="summary" label={t('improvement.form.summary')} rules={[{ required: true, whitespace: true, max: 2000 }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item name="body" label={t('improvement.form.body')}>
            <Input.TextArea rows={8} maxLength={100000} />
          </Form.Item>
          <Space wrap>
            <Button htmlType="submit" loading={busy}>{t('improvement.detail.saveDocument')}</Button>
            {stage === 'evaluation' && blocker === null ? (
              <Popconfirm title={t('improvement.detail.passConfirm')} onConfirm={() => void act({ kind: 'advance', body: { comment: '' } }, advanced)}>
                {advanceButton}
              </Popconfirm>
            ) : advanceButton}
          </Space>
        </Form>
      ) : (
        <>
          <DocumentView doc={doc} />
          {stage === 'evaluation' && blocker === null && (
            <Popconfirm title={t('improvement.detail.passConfirm')} onConfirm={() => void act({ kind: 'advance', body: { comment: '' } }, advanced)}>
              {advanceButton}
            </Popconfirm>
          )}
        </>
      )}
      {blocker && blocker !== 'inReview' && <Alert style={{ marginTop: 12 }} type="info" showIcon message={t(`improvement.blocked.${blocker}`)} />}
      <ToReviewModal open={toReview} busy={busy} onClose={() => setToReview(false)}
        onOk={async (date, comment) => {
          if (await act({ kind: 'advance', body: { comment, next_review: date } }, advanced)) setToReview(false);
        }} />
    </Card>
  );
}

function ToReviewModal({ open, busy, onClose, onOk }: {
  open: boolean; busy: boolean; onClose: () => void; onOk: (date: string, comment: string) => void;
}) {
  const { t } = useT();
  const [form] = Form.useForm<{ next_review: Dayjs; comment?: string }>();
  return (
    <Modal open={open} title={t('improvement.detail.toReview')} onCancel={onClose} okButtonProps={{ loading: busy }} destroyOnClose
      onOk={async () => {
        const v = await form.validateFields();
        onOk(v.next_review.format('YYYY-MM-DD'), v.comment ?? '');
      }}>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ next_review: dayjs(defaultReviewDate()) }}>
        <Form.Item name="next_review" label={t('improvement.form.firstReview')} rules={[{ required: true }]}>
          <DatePicker disabledDate={(d) => !d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="comment" label={t('improvement.form.comment')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
      </Form>
    </Modal>
  );
}

function DocumentView({ doc }: { doc?: StageDocumentRead }) {
  const { t } = useT();
  if (!doc) return <Typography.Text type="secondary">{t('improvement.detail.noDocument')}</Typography.Text>;
  return (
    <div>
      <Typography.Paragraph strong style={{ whiteSpace: 'pre-wrap' }}>{doc.summary}</Typography.Paragraph>
      {doc.body && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{doc.body}</Typography.Paragraph>}
      <Typography.Text type="secondary">{t('improvement.detail.by', { name: doc.author_name || doc.author, at: when(doc.updated_at) })}</Typography.Text>
    </div>
  );
}

function Documents({ project }: { project: ProjectDetail }) {
  const { t } = useT();
  // the stages passed in this cycle (the current stage's document is in its own card above)
  const current = DOCUMENT_STAGES.filter((s) => STAGES.indexOf(s) < STAGES.indexOf(project.stage));
  const earlier = earlierCycles(project);
  return (
    <Card size="small" title={t('improvement.detail.documents')} data-testid="documents">
      {current.length === 0 && earlier.length === 0 && <Typography.Text type="secondary">{t('improvement.detail.noDocument')}</Typography.Text>}
      <Collapse size="small" items={current.map((s) => ({
        key: s, label: <Space>{t(`improvement.stageDoc.${s}`)}{!documentOf(project, s) && <Tag>{t('improvement.detail.noDocument')}</Tag>}</Space>,
        children: <DocumentView doc={documentOf(project, s)} />,
      }))} />
      {earlier.map((c) => (
        <div key={c.cycle} style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('improvement.detail.earlierCycle', { n: c.cycle })}</Typography.Text>
          <Collapse size="small" items={c.documents.map((d) => ({ key: `${c.cycle}-${d.stage}`, label: t(`improvement.stageDoc.${d.stage}`), children: <DocumentView doc={d} /> }))} />
        </div>
      ))}
    </Card>
  );
}

function Milestones({ project, act, busy }: { project: ProjectDetail; act: Act; busy: boolean }) {
  const { t } = useT();
  const [form] = Form.useForm<{ title: string; due: Dayjs }>();
  const open = project.can.milestones && project.stage !== 'review';
  return (
    <Card size="small" title={t('improvement.detail.milestones')} data-testid="milestones">
      <Table size="small" rowKey="id" pagination={false} dataSource={project.milestones}
        locale={{ emptyText: t('improvement.detail.noMilestones') }}
        columns={[
          { title: t('improvement.form.milestoneTitle'), dataIndex: 'title' },
          { title: t('improvement.form.due'), dataIndex: 'due', width: 110, render: (d: string, m) => <Space size={2}>{d}{m.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}</Space> },
          { title: t('improvement.detail.done'), dataIndex: 'done', width: 150, render: (done: boolean, m) => (
            <Space size={4}>
              {done ? <Tag color="green">{t('improvement.detail.done')}</Tag> : null}
              {open && project.stage === 'implementation' && (
                <Button size="small" type="link" disabled={busy} onClick={() => void act({ kind: 'updateMilestone', milestoneId: m.id, body: { done: !done } })}>
                  {done ? t('improvement.detail.markUndone') : t('improvement.detail.markDone')}
                </Button>
              )}
              {open && (
                <Popconfirm title={t('improvement.detail.removeConfirm')} onConfirm={() => void act({ kind: 'deleteMilestone', milestoneId: m.id })}>
                  <Button size="small" type="link" danger disabled={busy}>{t('improvement.detail.remove')}</Button>
                </Popconfirm>
              )}
            </Space>
          ) },
        ]} />
      {open && (
        <Form form={form} layout="inline" style={{ marginTop: 8, rowGap: 8 }} onFinish={async (v) => {
          if (await act({ kind: 'addMilestone', body: { title: v.title.trim(), due: v.due.format('YYYY-MM-DD') } })) form.resetFields();
        }}>
          <Form.Item name="title" rules={[{ required: true, whitespace: true, max: 300 }]}><Input placeholder={t('improvement.form.milestoneTitle')} aria-label={t('improvement.form.milestoneTitle')} /></Form.Item>
          <Form.Item name="due" rules={[{ required: true }]}><DatePicker placeholder={t('improvement.form.due')} aria-label={t('improvement.form.due')} /></Form.Item>
          <Button htmlType="submit" loading={busy}>{t('improvement.detail.addMilestone')}</Button>
        </Form>
      )}
    </Card>
  );
}

function Reviews({ project, act, busy }: { project: ProjectDetail; act: Act; busy: boolean }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ outcome: ReviewOutcome; note?: string; next_review?: Dayjs }>();
  const outcome = Form.useWatch('outcome', form);
  if (project.stage !== 'review' && project.reviews.length === 0) return null;
  return (
    <Card size="small" title={t('improvement.detail.reviews')} data-testid="reviews"
      extra={project.can.review && <Button size="small" type="primary" onClick={() => setOpen(true)}>{t('improvement.detail.recordReview')}</Button>}>
      {project.review_due && <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={t('improvement.detail.reviewDue')} />}
      <List size="small" dataSource={[...project.reviews].reverse()} locale={{ emptyText: t('improvement.detail.noReviews') }}
        renderItem={(r) => (
          <List.Item key={r.id}>
            <List.Item.Meta
              title={<Space wrap><Tag color={r.outcome === 'effective' ? 'green' : r.outcome === 'reopen' ? 'red' : 'orange'}>{t(`improvement.outcome.${r.outcome}`)}</Tag>
                {r.due && <Typography.Text type="secondary">{t('improvement.detail.answeredDue', { date: r.due })}</Typography.Text>}</Space>}
              description={<Space direction="vertical" size={0}>
                {r.note && <span style={{ whiteSpace: 'pre-wrap' }}>{r.note}</span>}
                <Typography.Text type="secondary">{t('improvement.detail.by', { name: r.reviewer_name || r.reviewer, at: when(r.at) })}
                  {r.next_review ? ` · ${t('improvement.detail.nextReview')} ${r.next_review}` : ''}</Typography.Text>
              </Space>} />
          </List.Item>
        )} />
      <Modal open={open} title={t('improvement.detail.recordReview')} onCancel={() => setOpen(false)} okButtonProps={{ loading: busy }} destroyOnClose
        onOk={async () => {
          const v = await form.validateFields();
          const body = { outcome: v.outcome, note: v.note?.trim() ?? '', next_review: v.outcome === 'reopen' ? null : v.next_review?.format('YYYY-MM-DD') ?? null };
          if (await act({ kind: 'review', body }, t('improvement.detail.reviewed'))) setOpen(false);
        }}>
        <Form form={form} layout="vertical" preserve={false} initialValues={{ outcome: 'effective', next_review: dayjs(defaultReviewDate()) }}>
          <Form.Item name="outcome" label={t('improvement.detail.reviews')} rules={[{ required: true }]}>
            <Radio.Group options={(['effective', 'needs_adjustment', 'reopen'] as const).map((o) => ({ value: o, label: t(`improvement.outcome.${o}`) }))} />
          </Form.Item>
          {outcome === 'reopen' && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('improvement.detail.reopenWarning')} />}
          <Form.Item name="note" label={t('improvement.form.note')} rules={[{ required: outcome !== 'effective', whitespace: true }]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
          {outcome !== 'reopen' && (
            <Form.Item name="next_review" label={t('improvement.form.nextReview')} rules={[{ required: true }]}>
              <DatePicker disabledDate={(d) => !d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

function LinkItem({ link }: { link: ProjectLinkRead }) {
  const { t } = useT();
  const finding = useLinkedFinding(link.kind === 'finding' ? link.target_id : null);
  const href = linkHref(link, finding.data);
  const label = finding.data ? `${finding.data.title}（${finding.data.unit_name}）` : link.title || link.ref;
  return (
    <List.Item>
      <Space wrap>
        <Tag>{t(`improvement.origin.${link.kind}`)}</Tag>
        {href === null ? <span>{label}</span>
          : isExternal(href) ? <a href={href} target="_blank" rel="noopener noreferrer">{label}</a>
            : <Link to={href}>{label}</Link>}
        {link.kind !== 'manual' && <Typography.Text type="secondary" copyable={false}>{link.ref}</Typography.Text>}
        {link.kind === 'finding' && finding.isError && <Typography.Text type="secondary">{t('improvement.detail.findingUnavailable')}</Typography.Text>}
      </Space>
    </List.Item>
  );
}

function Links({ links }: { links: ProjectLinkRead[] }) {
  const { t } = useT();
  return (
    <Card size="small" title={t('improvement.detail.links')} data-testid="links">
      {links.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('improvement.detail.noLinks')} />
        : <List size="small" dataSource={links} renderItem={(l) => <LinkItem key={l.ref} link={l} />} />}
    </Card>
  );
}

function History({ project }: { project: ProjectDetail }) {
  const { t } = useT();
  return (
    <Card size="small" title={t('improvement.detail.history')}>
      <Timeline items={[...project.steps].reverse().map((s) => ({
        key: s.id,
        children: <Space direction="vertical" size={0}>
          <span>{t(`improvement.action.${s.action}`)}{s.action === 'advance' ? `：${t(`improvement.stage.${s.from_stage}`)} → ${t(`improvement.stage.${s.to_stage}`)}` : s.action === 'document' ? `：${t(`improvement.stage.${s.to_stage}`)}` : ''}</span>
          {s.comment && <Typography.Text type="secondary" ellipsis={{ tooltip: s.comment }}>{s.comment}</Typography.Text>}
          <Typography.Text type="secondary">{t('improvement.detail.by', { name: s.actor_name || s.actor, at: when(s.at) })}</Typography.Text>
        </Space>,
      }))} />
    </Card>
  );
}

function EditButton({ project, act, busy }: { project: ProjectDetail; act: Act; busy: boolean }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ title: string; description: string; owner_id?: number }>();
  const users = useUsers();
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('improvement.detail.edit')}</Button>
      <Modal open={open} title={t('improvement.detail.edit')} onCancel={() => setOpen(false)} okButtonProps={{ loading: busy }} destroyOnClose
        onOk={async () => {
          const v = await form.validateFields();
          const body: Record<string, unknown> = { title: v.title.trim(), description: v.description ?? '' };
          if (project.can.reassign && v.owner_id !== project.owner_id) {
            body.owner_id = v.owner_id ?? null;
            body.owner_name = (users.data?.items ?? []).find((u) => u.id === v.owner_id)?.display_name ?? '';
          }
          if (await act({ kind: 'update', body })) setOpen(false);
        }}>
        <Form form={form} layout="vertical" preserve={false}
          initialValues={{ title: project.title, description: project.description, owner_id: project.owner_id ?? undefined }}>
          <Form.Item name="title" label={t('improvement.form.title')} rules={[{ required: true, whitespace: true, max: 300 }]}><Input /></Form.Item>
          <Form.Item name="description" label={t('improvement.form.description')}><Input.TextArea rows={4} maxLength={20000} /></Form.Item>
          {project.can.reassign && (
            <Form.Item name="owner_id" label={t('improvement.form.owner')}>
              <Select allowClear showSearch optionFilterProp="label" loading={users.isPending}
                options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
