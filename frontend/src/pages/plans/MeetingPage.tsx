import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Col, DatePicker, Empty, Form, Input, List, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useAddDecision } from '../../api/planning';
import { useUsers } from '../../api/org';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useAgenda } from '../../api/planning';
import type { TaskRead } from '../../api/types';
import { QueryState, StatusTag, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';
import { isoWeek, WEEK_RE } from './week';
import { PrintButton } from '../../components/PrintButton';

export default function MeetingPage() {
  const { t } = useT();
  const [week, setWeek] = useState(isoWeek(new Date()));
  const [text, setText] = useState(week);
  const [unit, setUnit] = useState<number | undefined>();
  const agenda = useAgenda(WEEK_RE.test(week) ? week : undefined, unit);
  const a = agenda.data;
  const { access } = useSession();
  const users = useUsers();
  const addDecision = useAddDecision(week);
  const feedback = useApiFeedback();
  const [form] = Form.useForm<{ plan_id: number; text: string; owner_id?: number; due: Dayjs }>();
  const planOptions = [...new Map((a?.reports ?? []).map((r) => [r.plan_id, r.plan_title])).entries()].map(([value, label]) => ({ value, label }));
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('plans.meetingTitle', { week })}</Typography.Title>
        <Space>
          <UnitSelect value={unit} onChange={setUnit} allowClear style={{ width: 200 }} />
          <Input.Search aria-label={t('plans.week')} value={text} onChange={(e) => setText(e.target.value)} status={WEEK_RE.test(text) ? undefined : 'error'}
            onSearch={(v) => WEEK_RE.test(v.trim()) && setWeek(v.trim())} style={{ width: 160 }} />
          <PrintButton to={`/print/meetings/${week}${unit !== undefined ? `?unit_id=${unit}` : ''}`} />
        </Space>
      </Space>
      <QueryState loading={agenda.isPending} error={agenda.error}>
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={14}>
            <Card size="small" title={t('plans.agendaReports')}>
              <List size="small" dataSource={a?.reports ?? []} locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plans.noAgendaReports')} /> }}
                renderItem={(r) => (
                  <List.Item>
                    <List.Item.Meta
                      title={<Space><strong>{r.unit_name}</strong><Link to={`/plans/${r.plan_id}`}>{r.plan_title}</Link><Typography.Text type="secondary">{r.report.author_name}</Typography.Text></Space>}
                      description={<>
                        <div>{r.report.summary}</div>
                        {r.problems.map((p) => (
                          <div key={p.task_id}><Tag color="red">{t('plans.problems')}</Tag>{p.problems}{p.help_needed && <><Tag color="orange" style={{ marginLeft: 8 }}>{t('plans.helpNeeded')}</Tag>{p.help_needed}</>}</div>
                        ))}
                      </>}
                    />
                  </List.Item>
                )} />
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('plans.overdueTasks')}>
              <Table<TaskRead> size="small" rowKey="id" pagination={false} dataSource={a?.overdue_tasks ?? []} locale={{ emptyText: t('plans.noOverdue') }} columns={[
                { title: t('plans.taskTitle'), dataIndex: 'title', render: (v: string, r) => <Link to={`/plans/${r.plan_id}`}>{v}</Link> },
                { title: t('plans.owner'), dataIndex: 'owner_name', width: 90 },
                { title: t('plans.due'), dataIndex: 'due', width: 100, render: (v: string) => <span style={{ color: '#f5222d' }}>{v}</span> },
                { title: t('plans.taskStatus.label'), dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} ns="plans.taskStatus" /> },
              ]} />
            </Card>
            <Card size="small" title={t('plans.decisions')} style={{ marginTop: 12 }}>
              <List size="small" dataSource={a?.decisions ?? []} locale={{ emptyText: t('plans.noDecisions') }} renderItem={(d) => (
                <List.Item><Space direction="vertical" size={0}><span>{d.text}</span><Link to={`/plans/${d.plan_id}`}>{t('inbox.openPlan')}</Link></Space></List.Item>
              )} />
              {access.rights.has('dispatch') && planOptions.length > 0 && (
                <Form form={form} layout="vertical" style={{ marginTop: 12 }} onFinish={async (v) => {
                  const owner = (users.data?.items ?? []).find((u) => u.id === v.owner_id);
                  try {
                    await addDecision.mutateAsync({ plan_id: v.plan_id, text: v.text, owner_id: v.owner_id ?? null, owner_name: owner?.display_name ?? '', due: v.due.format('YYYY-MM-DD') });
                    form.resetFields();
                    feedback.ok(t('plans.decisionAdded'));
                  } catch (err) { feedback.fail(err, form); }
                }}>
                  <Form.Item name="plan_id" label={t('plans.decisionPlan')} rules={[{ required: true, message: t('plans.decisionPlanRequired') }]}><Select options={planOptions} /></Form.Item>
                  <Form.Item name="text" label={t('plans.decisionText')} rules={[{ required: true, whitespace: true, message: t('plans.textRequired') }]}><Input.TextArea rows={2} /></Form.Item>
                  <Space align="start" wrap>
                    <Form.Item name="owner_id" label={t('plans.owner')}><Select allowClear showSearch optionFilterProp="label" style={{ width: 180 }} options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} /></Form.Item>
                    <Form.Item name="due" label={t('plans.due')} rules={[{ required: true, message: t('plans.dueRequired') }]}><DatePicker /></Form.Item>
                  </Space>
                  <Button type="primary" htmlType="submit" loading={addDecision.isPending}>{t('plans.addDecision')}</Button>
                </Form>
              )}
            </Card>
          </Col>
        </Row>
      </QueryState>
    </div>
  );
}
