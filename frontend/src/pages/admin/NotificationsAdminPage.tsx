/** 系统管理 › 通知与提醒: the company's default channels, the units' group robots, e-mail, the delivery log,
 * time limits (SLA) and the working-day calendar. The tab is in the address (?tab=), so a link can open one. */
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Tabs, Typography } from 'antd';
import type { OutgoingStatus } from '../../api/types';
import { useT } from '../../i18n';
import { CalendarTab } from './notifications/CalendarTab';
import { DefaultsTab } from './notifications/DefaultsTab';
import { DeliveryLogTab } from './notifications/DeliveryLogTab';
import { EmailTab } from './notifications/EmailTab';
import { RobotsTab } from './notifications/RobotsTab';
import { SlaTab } from './notifications/SlaTab';

const TABS = ['defaults', 'robots', 'email', 'log', 'sla', 'calendar'] as const;
type Tab = (typeof TABS)[number];

export default function NotificationsAdminPage() {
  const { t } = useT();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'defaults';
  const setTab = (key: string) => setParams(key === 'defaults' ? {} : { tab: key }, { replace: true });
  const [logStatus, setLogStatus] = useState<OutgoingStatus | undefined>();
  const [logChannel, setLogChannel] = useState<string | undefined>();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 12 }}>{t('notifications.admin.title')}</Typography.Title>
      <Tabs activeKey={tab} onChange={setTab} destroyOnHidden items={[
        { key: 'defaults', label: t('notifications.admin.defaults'), children: <DefaultsTab /> },
        { key: 'robots', label: t('notifications.admin.robots'), children: <RobotsTab /> },
        { key: 'email', label: t('notifications.admin.email'), children: <EmailTab onShowLog={(s) => { setLogStatus(s); setTab('log'); }} /> },
        { key: 'log', label: t('notifications.admin.log'), children: <DeliveryLogTab status={logStatus} onStatus={setLogStatus} channel={logChannel} onChannel={setLogChannel} /> },
        { key: 'sla', label: t('notifications.admin.sla'), children: <SlaTab /> },
        { key: 'calendar', label: t('notifications.admin.calendar'), children: <CalendarTab /> },
      ]} />
    </div>
  );
}
