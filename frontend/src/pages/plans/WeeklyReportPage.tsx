import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Button, Card, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { usePlan, useReports, useSaveReport } from '../../api/planning';
import type { ReportIn, TaskStatus } from '../../api/types';
import { QueryState } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { isoWeek, WEEK_RE } from './week';

const STATUSES: TaskStatus[] = ['not_started', 'in_progress', 'done', 'blocked', 'cancelled'];
type Values = ReportIn;

export default function WeeklyReportPage() {
  const { t } = useT();
  const id = Number(useParams().id);
  const plan = usePlan(id);
  const reports = useReports(id);
  const save = useSaveReport(id);
  const feedback = useApiFeedback();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const week = Form.useWatch('week', form);

  useEffect(() => {
    if (!plan.data) return;
    const w = (form.getFieldValue('week') as string | undefined) ?? isoWeek(new Date());
    const existing = (reports.data ?? []).find((r) => r.week === w);
    const items = (plan.data.tasks ?? []).map((task) => {
      const prev = (existing?.items as ReportIn['items'] | undefined)?.find((i) => i.task_id === task.id);
      return prev ?? { task_id: task.id, progress: Math.round(task.progress), status: task.status as TaskStatus, problems: '', help_needed: '' };
    });
    form.setFieldsValue({ week: w, summary: existing?.summary ?? '', items });
  }, [plan.data, reports.data, week, form]);

  const tasks = new Map((plan.data?.tasks ?? []).map((x) => [x.id, x]));
  return (
    <QueryState loading={plan.isPending} error={plan.error}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('plans.weeklyReport')} · <Link to={`/plans/${id}`}>{plan.data?.title}</Link></Typography.Title>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try {
          await save.mutateAsync({ ...v, items: v.items ?? [] });
          feedback.ok(t('plans.reportSaved'));
          navigate(`/plans/${id}`);
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Card size="small">
          <Form.Item name="week" label={t('plans.week')} rules={[{ required: true, message: t('plans.weekRequired') }, { pattern: WEEK_RE, message: t('plans.weekInvalid') }]} style={{ maxWidth: 200 }}>
            <Input placeholder="2026-W48" />
          </Form.Item>
          <Form.Item name="summary" label={t('plans.summary')}><Input.TextArea rows={3} /></Form.Item>
        </Card>
        <Card size="small" title={t('plans.tasks')} style={{ marginTop: 12 }}>
          <Form.List name="items">
            {(fields) => (
              <Table size="small" pagination={false} rowKey="key" dataSource={fields} locale={{ emptyText: t('plans.noTasks') }} columns={[
                { title: t('plans.taskTitle'), render: (_, f) => (
                  <>
                    <Form.Item name={[f.name, 'task_id']} hidden><InputNumber /></Form.Item>
                    {tasks.get(form.getFieldValue(['items', f.name, 'task_id']) as number)?.title}
                  </>
                ) },
                { title: t('plans.progress'), width: 110, render: (_, f) => (
                  <Form.Item name={[f.name, 'progress']} noStyle rules={[{ required: true }]}><InputNumber min={0} max={100} suffix="%" style={{ width: 100 }} /></Form.Item>
                ) },
                { title: t('plans.taskStatus.label'), width: 120, render: (_, f) => (
                  <Form.Item name={[f.name, 'status']} noStyle><Select style={{ width: 110 }} options={STATUSES.map((s) => ({ value: s, label: t(`plans.taskStatus.${s}`) }))} /></Form.Item>
                ) },
                { title: t('plans.problems'), render: (_, f) => <Form.Item name={[f.name, 'problems']} noStyle><Input /></Form.Item> },
                { title: t('plans.helpNeeded'), render: (_, f) => <Form.Item name={[f.name, 'help_needed']} noStyle><Input /></Form.Item> },
              ]} />
            )}
          </Form.List>
        </Card>
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </QueryState>
  );
}
