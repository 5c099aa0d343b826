/** 提交建议: any signed-in person proposes an improvement to the unit owning the process. */
import { useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Form, Input, Select, Typography } from 'antd';
import { useProposalSettings, useSubmitProposal } from '../../../api/proposals';
import type { ProposalCreate } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';

export default function SubmitProposalPage() {
  const { t } = useT();
  const navigate = useNavigate();
  const [form] = Form.useForm<ProposalCreate>();
  const settings = useProposalSettings();
  const submit = useSubmitProposal();
  const feedback = useApiFeedback();
  const allowAnonymous = settings.data?.allow_anonymous ?? false;
  const onFinish = (values: ProposalCreate) => submit.mutate({ ...values, anonymous: allowAnonymous && !!values.anonymous }, {
    onSuccess: (p) => { feedback.ok(t('proposals.submitted')); navigate(`/proposals/${p.id}`); },
    onError: (err) => feedback.fail(err, form),
  });
  return (
    <Card title={t('proposals.submitTitle')} style={{ maxWidth: 820 }}>
      <Alert type="info" showIcon message={t('proposals.submitIntro')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ anonymous: false }}>
        <Form.Item name="title" label={t('proposals.title')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="unit_id" label={t('proposals.unit')} extra={t('proposals.unitHelp')} rules={[{ required: true }]}>
          <UnitSelect id="unit_id" />
        </Form.Item>
        <Form.Item name="category" label={t('proposals.category')}>
          <Select allowClear aria-label={t('proposals.category')} options={(settings.data?.categories ?? []).map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item name="problem" label={t('proposals.problem')} rules={[{ required: true, whitespace: true, max: 5000 }]}>
          <Input.TextArea rows={4} maxLength={5000} />
        </Form.Item>
        <Form.Item name="suggestion" label={t('proposals.suggestion')} rules={[{ required: true, whitespace: true, max: 5000 }]}>
          <Input.TextArea rows={4} maxLength={5000} />
        </Form.Item>
        <Form.Item name="expected_benefit" label={t('proposals.expectedBenefit')} rules={[{ max: 5000 }]}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
        <Form.Item name="anonymous" valuePropName="checked" extra={allowAnonymous ? t('proposals.anonymousHelp') : t('proposals.anonymousOff')}>
          <Checkbox disabled={!allowAnonymous}>{t('proposals.anonymous')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submit.isPending}>{t('proposals.submit')}</Button>
        <Typography.Text type="secondary" style={{ marginLeft: 12 }} />
      </Form>
    </Card>
  );
}
