/** 群机器人: a unit's DingTalk, WeCom and Feishu group robots — what concerns the unit is posted there.
 * The secret is write-only (the list says only 已设置); 测试发送 posts now and shows the vendor's answer. */
import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCreateRobot, useDeleteRobot, useRobots, useTestRobot, useUpdateRobot } from '../../../api/channels';
import type { RobotRead, SendResult } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { ErrorAlert, UnitSelect, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { KINDS } from '../../notifications/format';
import { robotChanges, VENDORS, type RobotForm } from './rules';

function RobotModal({ unitId, robot, open, onClose }: { unitId: number; robot?: RobotRead; open: boolean; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<RobotForm>();
  const create = useCreateRobot(unitId);
  const update = useUpdateRobot();
  const feedback = useApiFeedback();
  const clearSecret = Form.useWatch('clearSecret', form);
  const onFinish = async (v: RobotForm) => {
    try {
      if (robot) {
        await update.mutateAsync({ robot, body: robotChanges(robot, v) });
      } else {
        await create.mutateAsync({ vendor: v.vendor, name: v.name, url: v.url.trim(), secret: v.secret ?? '', kinds: v.kinds,
          include_subunits: v.include_subunits, active: v.active });
      }
      feedback.ok(t('notifications.admin.robotSaved'));
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  return (
    <Modal open={open} title={robot ? t('notifications.admin.editRobot') : t('notifications.admin.newRobot')} onCancel={onClose}
      onOk={() => form.submit()} okButtonProps={{ loading: create.isPending || update.isPending }} okText={t('common.save')} destroyOnHidden>
      <Form<RobotForm> form={form} layout="vertical" onFinish={onFinish} preserve={false}
        initialValues={robot
          ? { vendor: robot.vendor as RobotForm['vendor'], name: robot.name, url: robot.url, kinds: robot.kinds as RobotForm['kinds'], include_subunits: robot.include_subunits, active: robot.active }
          : { vendor: 'dingtalk', kinds: [], include_subunits: false, active: true }}>
        <Form.Item name="vendor" label={t('notifications.admin.vendor')} rules={[{ required: true }]}>
          <Select disabled={!!robot} options={VENDORS.map((v) => ({ value: v, label: t(`notifications.admin.vendors.${v}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('notifications.admin.robotName')} rules={[{ required: true, whitespace: true, message: t('notifications.admin.robotNameRequired') }]}>
          <Input maxLength={100} placeholder={t('notifications.admin.robotNameHint')} />
        </Form.Item>
        <Form.Item name="url" label={t('notifications.admin.webhook')} extra={robot ? t('notifications.admin.webhookKeep') : t('notifications.admin.webhookHint')}
          rules={[{ required: true, whitespace: true, message: t('notifications.admin.webhookRequired') }]}>
          <Input placeholder="https://" />
        </Form.Item>
        <Form.Item name="secret" label={t('notifications.admin.secret')}
          extra={robot?.has_secret ? t('notifications.admin.secretKeep') : t('notifications.admin.secretHint')}>
          <Input.Password autoComplete="new-password" disabled={!!clearSecret}
            placeholder={robot?.has_secret ? t('notifications.admin.secretSet') : ''} />
        </Form.Item>
        {robot?.has_secret && (
          <Form.Item name="clearSecret" valuePropName="checked" style={{ marginTop: -12 }}>
            <Checkbox>{t('notifications.admin.secretClear')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="kinds" label={t('notifications.admin.robotKinds')} extra={t('notifications.admin.robotKindsHint')}>
          <Checkbox.Group options={KINDS.map((k) => ({ value: k, label: t(`notifications.kind.${k}`) }))} />
        </Form.Item>
        <Space size={24} wrap>
          <Form.Item name="include_subunits" valuePropName="checked" label={t('notifications.admin.includeSubunits')}><Switch /></Form.Item>
          <Form.Item name="active" valuePropName="checked" label={t('notifications.admin.active')}><Switch /></Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

export function RobotsTab() {
  const { t } = useT();
  const [unitId, setUnitId] = useState<number | undefined>();
  const robots = useRobots(unitId);
  const units = useUnitNames();
  const remove = useDeleteRobot();
  const test = useTestRobot();
  const feedback = useApiFeedback();
  const [editing, setEditing] = useState<RobotRead | 'new' | null>(null);
  const [result, setResult] = useState<{ robot: string; result: SendResult } | null>(null);
  const runTest = async (r: RobotRead) => {
    setResult(null);
    try {
      setResult({ robot: r.name, result: await test.mutateAsync(r.id) });
    } catch (err) {
      feedback.fail(err);
    }
  };
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect value={unitId} onChange={(v) => { setUnitId(v); setResult(null); }} style={{ width: 240 }} />
        <Button type="primary" disabled={unitId === undefined} onClick={() => setEditing('new')}>{t('notifications.admin.newRobot')}</Button>
      </Space>
      {result && (
        <Alert data-testid="robot-test-result" showIcon closable onClose={() => setResult(null)} style={{ marginBottom: 12 }}
          type={result.result.ok ? 'success' : 'error'}
          message={result.result.ok ? t('notifications.admin.testSent', { name: result.robot }) : t('notifications.admin.testFailed', { name: result.robot })}
          description={result.result.ok ? undefined : result.result.error} />
      )}
      {unitId === undefined ? <Typography.Paragraph type="secondary">{t('notifications.admin.chooseUnit')}</Typography.Paragraph> : (
        <Card size="small" title={t('notifications.admin.robotsOf', { unit: units.get(unitId)?.name ?? '' })}>
          <ErrorAlert error={robots.error} />
          <Table<RobotRead> size="small" rowKey="id" loading={robots.isPending} dataSource={robots.data?.items ?? []} pagination={false}
            scroll={{ x: 900 }} locale={{ emptyText: t('notifications.admin.noRobots') }}
            columns={[
              { title: t('notifications.admin.robotName'), dataIndex: 'name', width: 140 },
              { title: t('notifications.admin.vendor'), dataIndex: 'vendor', width: 90, render: (v: string) => t(`notifications.admin.vendors.${v}`) },
              { title: t('notifications.admin.webhook'), dataIndex: 'url', ellipsis: true },
              { title: t('notifications.admin.secret'), dataIndex: 'has_secret', width: 80,
                render: (s: boolean) => (s ? <Tag color="green">{t('notifications.admin.secretSet')}</Tag> : <Tag>{t('notifications.admin.secretNone')}</Tag>) },
              { title: t('notifications.admin.robotKinds'), dataIndex: 'kinds', width: 160,
                render: (k: string[]) => (k.length ? k.map((x) => <Tag key={x}>{t(`notifications.kind.${x}`)}</Tag>) : t('notifications.admin.allKinds')) },
              { title: t('notifications.admin.includeSubunits'), dataIndex: 'include_subunits', width: 90, render: (v: boolean) => (v ? t('notifications.admin.yes') : t('notifications.admin.no')) },
              { title: t('org.state'), dataIndex: 'active', width: 70, render: (a: boolean) => (a ? <Tag color="green">{t('org.active')}</Tag> : <Tag>{t('org.inactive')}</Tag>) },
              { title: '', key: 'actions', width: 200, render: (_, r) => (
                <Space size={4}>
                  <Button size="small" loading={test.isPending && test.variables === r.id} onClick={() => void runTest(r)}>{t('notifications.admin.testSend')}</Button>
                  <Button size="small" onClick={() => setEditing(r)}>{t('common.edit')}</Button>
                  <Popconfirm title={t('notifications.admin.deleteRobot')} onConfirm={async () => {
                    try { await remove.mutateAsync(r); } catch (err) { feedback.fail(err); }
                  }}>
                    <Button size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                </Space>
              ) },
            ]} />
        </Card>
      )}
      {unitId !== undefined && editing !== null && (
        <RobotModal unitId={unitId} robot={editing === 'new' ? undefined : editing} open onClose={() => setEditing(null)} />
      )}
    </div>
  );
}
