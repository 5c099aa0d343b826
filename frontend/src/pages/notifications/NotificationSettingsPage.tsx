/** 通知设置: per kind the channels (站内 always on; 邮件 the reader's choice or the company default),
 * quiet hours (none, or a start and an end; an end before the start is the next morning) and the
 * language of the e-mail, with the address it goes to. */
import { useEffect, useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, Form, Select, Space, Switch, Tag, TimePicker, Typography } from 'antd';
import { usePreferences, useSavePreferences } from '../../api/notifications';
import type { EmailLanguage, PreferencesBody, PreferencesRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { QueryState } from '../../components/common';
import { useT } from '../../i18n';
import { ChannelRows } from './ChannelRows';
import { channelsBody, choicesOf, EMAIL_LANGUAGES, overnight, quietHoursProblems, type Choices } from './format';

type Values = { quietOn: boolean; quietStart?: Dayjs | null; quietEnd?: Dayjs | null; language: EmailLanguage };

const HHMM = 'HH:mm';
const hhmm = (d?: Dayjs | null) => (d ? d.format(HHMM) : undefined);

function SettingsForm({ data }: { data: PreferencesRead }) {
  const { t } = useT();
  const save = useSavePreferences();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<Values>();
  const [choices, setChoices] = useState<Choices>(() => choicesOf(data.kinds));
  useEffect(() => setChoices(choicesOf(data.kinds)), [data]);
  const quietOn = Form.useWatch('quietOn', form);
  const defaultNames = (k: string) => (data.kinds.find((x) => x.kind === k)?.default_channels ?? [])
    .map((c) => t(`notifications.settings.channel.${c}`)).join('、');
  const start = hhmm(Form.useWatch('quietStart', form));
  const end = hhmm(Form.useWatch('quietEnd', form));
  const onFinish = async (v: Values) => {
    const body: PreferencesBody = {
      channels: channelsBody(choices),
      quiet_hours: v.quietOn && v.quietStart && v.quietEnd ? { start: v.quietStart.format(HHMM), end: v.quietEnd.format(HHMM) } : null,
      language: v.language,
    };
    try {
      await save.mutateAsync(body);
      feedback.ok(t('notifications.settings.saved'));
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  return (
    <Form<Values> form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 720 }}
      initialValues={{
        quietOn: !!data.quiet_hours,
        quietStart: data.quiet_hours ? dayjs(data.quiet_hours.start, HHMM) : null,
        quietEnd: data.quiet_hours ? dayjs(data.quiet_hours.end, HHMM) : null,
        language: data.language,
      }}>
      <Card size="small" title={t('notifications.settings.channels')} style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('notifications.settings.channelsHelp')}</Typography.Paragraph>
        {!data.email_enabled
          ? <Alert type="info" showIcon style={{ marginBottom: 4 }} message={<span data-testid="email-address">{t('notifications.settings.emailOff')}</span>} />
          : data.email
          ? <Alert type="info" showIcon style={{ marginBottom: 4 }} message={<span data-testid="email-address">{t('notifications.settings.emailTo', { email: data.email })}</span>} />
          : <Alert type="warning" showIcon style={{ marginBottom: 4 }} message={<span data-testid="email-address">{t('notifications.settings.noEmail')}</span>} description={t('notifications.settings.noEmailHelp')} />}
        <ChannelRows choices={choices}
          onChange={(k, email) => setChoices((c) => ({ ...c, [k]: { email, chosen: true } }))}
          status={(k) => (
            <>
              {choices[k].chosen ? <Tag color="blue">{t('notifications.settings.ownChoice')}</Tag>
                : <Tag>{data.kinds.find((x) => x.kind === k)?.chosen
                  ? t('notifications.settings.willUseDefault', { channels: defaultNames(k) })
                  : t('notifications.settings.companyDefault')}</Tag>}
              {choices[k].chosen && (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setChoices((c) => ({ ...c, [k]: { ...c[k], chosen: false } }))}>
                  {t('notifications.settings.useDefault')}
                </Button>
              )}
            </>
          )} />
      </Card>
      <Card size="small" title={t('notifications.settings.quiet')} style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('notifications.settings.quietHelp')}</Typography.Paragraph>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 12 }}>
          <Form.Item noStyle name="quietOn" valuePropName="checked"><Switch id="quiet-on" /></Form.Item>
          <label htmlFor="quiet-on">{t('notifications.settings.quietOn')}</label>
        </div>
        {quietOn && (
          <Space wrap align="start" size={16}>
            <Form.Item name="quietStart" label={t('notifications.settings.quietStart')} style={{ marginBottom: 8 }}
              rules={[{ validator: async (_, v?: Dayjs | null) => {
                const p = quietHoursProblems(hhmm(v), '').start;
                if (p) throw new Error(t('notifications.settings.quietStartRequired'));
              } }]}>
              <TimePicker format={HHMM} minuteStep={5} needConfirm={false} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="quietEnd" label={t('notifications.settings.quietEnd')} dependencies={['quietStart']} style={{ marginBottom: 8 }}
              rules={[({ getFieldValue }) => ({
                validator: async (_, v?: Dayjs | null) => {
                  const p = quietHoursProblems(hhmm(getFieldValue('quietStart')), hhmm(v)).end;
                  if (p) throw new Error(t(`notifications.settings.${p === 'same' ? 'quietSame' : 'quietEndRequired'}`));
                },
              })]}>
              <TimePicker format={HHMM} minuteStep={5} needConfirm={false} style={{ width: 140 }} />
            </Form.Item>
          </Space>
        )}
        {quietOn && start && end && start !== end && overnight(start, end) && (
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('notifications.settings.quietOvernight', { end })}</Typography.Paragraph>
        )}
      </Card>
      <Card size="small" title={t('notifications.settings.language')} style={{ marginBottom: 12 }}>
        <Form.Item name="language" label={t('notifications.settings.languageHelp')} style={{ marginBottom: 0 }}>
          <Select<EmailLanguage> style={{ width: 160 }} options={EMAIL_LANGUAGES.map((l) => ({ value: l, label: t(`notifications.settings.languages.${l}`) }))} />
        </Form.Item>
      </Card>
      <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
    </Form>
  );
}

export default function NotificationSettingsPage() {
  const { t } = useT();
  const prefs = usePreferences();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 12 }}>{t('notifications.settings.title')}</Typography.Title>
      <QueryState loading={prefs.isPending} error={prefs.error}>
        {prefs.data && <SettingsForm data={prefs.data} />}
      </QueryState>
    </div>
  );
}
