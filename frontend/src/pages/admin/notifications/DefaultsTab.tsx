/** 默认渠道: the company's default channels per kind (people's own choices win; in-app is always on). */
import { useEffect, useState } from 'react';
import { Button, Card, Tag, Typography } from 'antd';
import { useNotificationDefaults, useSaveNotificationDefaults } from '../../../api/notifications';
import type { DefaultsRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { ChannelRows } from '../../notifications/ChannelRows';
import { channelsBody, choicesOf, type Choices } from '../../notifications/format';

function DefaultsForm({ data }: { data: DefaultsRead }) {
  const { t } = useT();
  const save = useSaveNotificationDefaults();
  const feedback = useApiFeedback();
  const [choices, setChoices] = useState<Choices>(() => choicesOf(data.kinds));
  useEffect(() => setChoices(choicesOf(data.kinds)), [data]);
  return (
    <Card size="small" style={{ maxWidth: 720 }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('notifications.admin.defaultsHelp')}</Typography.Paragraph>
      <ChannelRows choices={choices} onChange={(k, email) => setChoices((c) => ({ ...c, [k]: { email, chosen: true } }))}
        status={(k) => (choices[k].chosen ? <Tag color="blue">{t('notifications.admin.companySet')}</Tag> : <Tag>{t('notifications.admin.builtIn')}</Tag>)} />
      <Button type="primary" style={{ marginTop: 12 }} loading={save.isPending} onClick={async () => {
        try {
          await save.mutateAsync({ channels: channelsBody(choices, true) });
          feedback.ok(t('notifications.admin.saved'));
        } catch (err) {
          feedback.fail(err);
        }
      }}>{t('common.save')}</Button>
    </Card>
  );
}

export function DefaultsTab() {
  const defaults = useNotificationDefaults();
  return (
    <QueryState loading={defaults.isPending} error={defaults.error}>
      {defaults.data && <DefaultsForm data={defaults.data} />}
    </QueryState>
  );
}
