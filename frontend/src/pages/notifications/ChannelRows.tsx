import type { ReactNode } from 'react';
import { Checkbox, Space, Tooltip, Typography } from 'antd';
import type { NotificationKind } from '../../api/types';
import { useT } from '../../i18n';
import { KINDS, type Choices } from './format';

/** The channel table shared with the admin's company defaults: 站内 fixed on, 邮件 a checkbox. */
export function ChannelRows({ choices, onChange, status }: {
  choices: Choices; onChange: (kind: NotificationKind, email: boolean) => void; status: (kind: NotificationKind) => ReactNode;
}) {
  const { t } = useT();
  return (
    <div role="table" aria-label={t('notifications.settings.channels')}>
      {KINDS.map((k) => {
        const name = t(`notifications.kind.${k}`);
        return (
          <div role="row" key={k} data-kind={k} style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '4px 16px', padding: '10px 0', borderBottom: '1px solid #f0f0f0' }}>
            <div role="rowheader" style={{ flex: '1 1 160px', minWidth: 0 }}>
              <Space size={8} wrap>
                <Typography.Text strong>{name}</Typography.Text>
                {status(k)}
              </Space>
            </div>
            <Space role="cell" size={16}>
              <Tooltip title={t('notifications.settings.alwaysOn')}>
                <Checkbox checked disabled aria-label={`${name} ${t('notifications.settings.channel.in_app')}`}>{t('notifications.settings.channel.in_app')}</Checkbox>
              </Tooltip>
              <Checkbox checked={choices[k].email} onChange={(e) => onChange(k, e.target.checked)}
                aria-label={`${name} ${t('notifications.settings.channel.email')}`}>{t('notifications.settings.channel.email')}</Checkbox>
            </Space>
          </div>
        );
      })}
    </div>
  );
}
