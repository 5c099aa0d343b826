/** 培训场次与签到: an approved plan's sessions, recorded by plan holders; the attendance sheet (attended or absent,
 * pass or fail, a score) filled in by the trainer at the door on a phone, or by plan holders; the unit's completion
 * rate for the month and quarter beside them. */
import { useEffect, useMemo, useState } from 'react';
import {
  Button, Card, DatePicker, Drawer, Empty, Form, Input, InputNumber, List, Radio, Segmented, Select, Space, Statistic,
  Switch, Tag, Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useUsers } from '../../../api/org';
import {
  useCompletion, useCreateTrainingSession, useRecordAttendance, useTrainingPlans, useTrainingSessions,
} from '../../../api/training';
import type { TrainingPlanRead, TrainingSessionRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { canOver } from '../../../app/grants';
import { useSession } from '../../../app/session';
import { ErrorAlert, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { attendanceBody, defaultPlan, percent, periodsOf, sheetOf, sheetSummary, updateRow, type Result, type SheetRow } from './training';

function AttendanceSheet({ session, onClose }: { session: TrainingSessionRead; onClose: () => void }) {
  const { t } = useT();
  const record = useRecordAttendance();
  const feedback = useApiFeedback();
  const [rows, setRows] = useState<SheetRow[]>(() => sheetOf(session));
  const summary = sheetSummary(rows);
  const change = (userId: number, c: Partial<SheetRow>) => setRows((r) => updateRow(r, userId, c));
  return (
    <Drawer open onClose={onClose} width="min(560px, 100vw)" title={`${t('training.attendanceSheet')} · ${session.course_title}`}
      footer={<Button type="primary" block size="large" loading={record.isPending} data-testid="save-sheet" onClick={async () => {
        try {
          await record.mutateAsync({ session, attendance: attendanceBody(rows) });
          feedback.ok(t('training.sheetSaved'));
          onClose();
        } catch (err) { feedback.fail(err); }
      }}>{t('training.saveSheet')}</Button>}>
      <Typography.Paragraph type="secondary">
        {session.held_on} · {session.location} · {session.trainer_name}
      </Typography.Paragraph>
      <Typography.Paragraph>{t('training.sheetSummary', summary)}</Typography.Paragraph>
      <List dataSource={rows} renderItem={(r) => (
        <List.Item key={r.user_id} data-testid={`sheet-row-${r.user_id}`}>
          <Space direction="vertical" style={{ width: '100%' }} size={6}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Text strong>{r.user_name}</Typography.Text>
              {!r.expected && <Tag>{t('training.notInAudience')}</Tag>}
              <Switch checked={r.attended} checkedChildren={t('training.attended')} unCheckedChildren={t('training.absent')}
                aria-label={`${r.user_name} ${t('training.attended')}`} onChange={(v) => change(r.user_id, { attended: v })} />
            </Space>
            {r.attended && (
              <Space wrap>
                <Segmented<Result | 'none'> value={r.result ?? 'none'} onChange={(v) => change(r.user_id, { result: v === 'none' ? null : v })}
                  options={[{ value: 'pass', label: t('training.pass') }, { value: 'fail', label: t('training.fail') },
                    { value: 'none', label: t('training.notAssessed') }]} />
                <InputNumber min={0} max={100} placeholder={t('training.score')} value={r.score ?? undefined} inputMode="decimal"
                  onChange={(v) => change(r.user_id, { score: v ?? null })} style={{ width: 100 }} />
              </Space>
            )}
          </Space>
        </List.Item>
      )} />
    </Drawer>
  );
}

function Completion({ unitId, day }: { unitId: number; day: Date }) {
  const { t } = useT();
  const { month, quarter } = periodsOf(day);
  const m = useCompletion(unitId, month);
  const q = useCompletion(unitId, quarter);
  return (
    <Space size={32} wrap>
      {[{ label: `${t('training.month')} ${month}`, data: m.data }, { label: `${t('training.quarter')} ${quarter}`, data: q.data }].map(({ label, data }) => (
        <Statistic key={label} title={`${t('training.completion')} · ${label}`} value={percent(data?.rate)}
          suffix={data && data.required ? <Typography.Text type="secondary" style={{ fontSize: 13 }}>{`${data.completed}/${data.required}`}</Typography.Text> : undefined} />
      ))}
    </Space>
  );
}

type SessionValues = { course_id: number; held_on: Dayjs; trainer_id?: number; trainer_name?: string; location?: string };

function NewSession({ plan }: { plan: TrainingPlanRead }) {
  const { t } = useT();
  const users = useUsers();
  const create = useCreateTrainingSession();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<SessionValues>();
  return (
    <Card size="small" title={t('training.newSession')} style={{ marginBottom: 12 }}>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try {
          await create.mutateAsync({ planId: plan.id, body: { course_id: v.course_id, held_on: v.held_on.format('YYYY-MM-DD'),
            trainer_id: v.trainer_id ?? null, trainer_name: v.trainer_name ?? '', location: v.location ?? '' } });
          feedback.ok(t('training.sessionCreated'));
          form.resetFields();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Space wrap align="end">
          <Form.Item name="course_id" label={t('training.course')} rules={[{ required: true }]}>
            <Select style={{ width: 240 }} options={plan.courses.map((c) => ({ value: c.id, label: c.title }))} />
          </Form.Item>
          <Form.Item name="held_on" label={t('training.heldOn')} rules={[{ required: true }]}><DatePicker /></Form.Item>
          <Form.Item name="trainer_id" label={t('training.trainer')}>
            <Select allowClear showSearch optionFilterProp="label" style={{ width: 160 }}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
          </Form.Item>
          <Form.Item name="trainer_name" label={t('training.trainerName')}><Input style={{ width: 160 }} /></Form.Item>
          <Form.Item name="location" label={t('training.location')}><Input style={{ width: 180 }} /></Form.Item>
          <Form.Item><Button type="primary" htmlType="submit" loading={create.isPending}>{t('common.save')}</Button></Form.Item>
        </Space>
      </Form>
    </Card>
  );
}

function SessionCard({ s, onOpen, canRecord }: { s: TrainingSessionRead; onOpen: () => void; canRecord: boolean }) {
  const { t } = useT();
  const recorded = s.attendees.filter((a) => a.attended !== null && a.attended !== undefined);
  const summary = sheetSummary(sheetOf({ attendees: recorded }));
  return (
    <Card size="small" data-testid={`session-${s.id}`} title={<Space wrap><span>{s.held_on}</span><span>{s.course_title}</span></Space>}
      extra={canRecord && <Button size="small" type="primary" onClick={onOpen}>{t('training.attendanceSheet')}</Button>}>
      <Space direction="vertical" size={2}>
        <Typography.Text type="secondary">{[s.trainer_name, s.location, `${s.hours} ${t('training.hours')}`].filter(Boolean).join(' · ')}</Typography.Text>
        <Space wrap size={4}>
          <Tag color="green">{t('training.attended')} {summary.attended}</Tag>
          <Tag color={summary.absent ? 'orange' : 'default'}>{t('training.absent')} {summary.absent}</Tag>
          <Tag color="blue">{t('training.pass')} {summary.passed}</Tag>
          {summary.failed > 0 && <Tag color="red">{t('training.fail')} {summary.failed}</Tag>}
        </Space>
      </Space>
    </Card>
  );
}

export default function TrainingSessionsPage() {
  const { t } = useT();
  const { me } = useSession();
  const units = useUnitNames();
  const plans = useTrainingPlans();
  const approved = useMemo(() => (plans.data?.items ?? []).filter((p) => p.status === 'approved'), [plans.data]);
  const [view, setView] = useState<'plan' | 'mine'>('plan');
  const [planId, setPlanId] = useState<number>();
  useEffect(() => { if (planId === undefined) setPlanId(defaultPlan(approved, new Date().getFullYear())?.id); }, [approved, planId]);
  const plan = approved.find((p) => p.id === planId);
  const sessions = useTrainingSessions(view === 'mine' ? { mine: true } : { plan_id: planId }, view === 'mine' || planId !== undefined);
  const [open, setOpen] = useState<TrainingSessionRead>();
  const canPlan = plan ? canOver(me?.grants, 'plan', units.get(plan.unit_id)?.path) : false;
  const latest = sessions.data?.items[0]?.held_on;
  const [day, setDay] = useState<Dayjs>();
  const shownDay = day ?? (latest ? dayjs(latest) : dayjs());
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('training.sessionsTitle')}</Typography.Title>
      <Radio.Group value={view} onChange={(e) => setView(e.target.value)} optionType="button" style={{ marginBottom: 8 }}
        options={[{ value: 'plan', label: t('training.choosePlan') }, { value: 'mine', label: t('training.sessionsMine') }]} />
      {view === 'plan' && (
        <Select style={{ width: '100%', maxWidth: 420, display: 'block', marginBottom: 12 }} value={planId} onChange={setPlanId}
          placeholder={t('training.choosePlan')} aria-label={t('training.choosePlan')} loading={plans.isPending}
          options={approved.map((p) => ({ value: p.id, label: `${p.unit_name} · ${p.title}` }))} />
      )}
      <ErrorAlert error={plans.error ?? sessions.error} />
      {view === 'plan' && plan && (
        <Card size="small" style={{ marginBottom: 12 }}
          extra={<DatePicker picker="month" value={shownDay} allowClear={false} onChange={(d) => d && setDay(d)} />}>
          <Completion unitId={plan.unit_id} day={shownDay.toDate()} />
        </Card>
      )}
      {(sessions.data?.items ?? []).length === 0 && !sessions.isPending
        ? <Empty description={t('training.noSessions')} />
        : (
          <Space direction="vertical" style={{ width: '100%' }}>
            {(sessions.data?.items ?? []).map((s) => (
              <SessionCard key={s.id} s={s} onOpen={() => setOpen(s)}
                canRecord={s.trainer_id === me?.user.id || canOver(me?.grants, 'plan', units.get(s.unit_id)?.path)} />
            ))}
          </Space>
        )}
      {view === 'plan' && plan && canPlan && <div style={{ marginTop: 12 }}><NewSession plan={plan} /></div>}
      {open && <AttendanceSheet session={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
