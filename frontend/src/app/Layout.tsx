import { useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Avatar, Button, Dropdown, Grid, Layout, Menu, Space, Spin, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import {
  AlertOutlined, ApartmentOutlined, AuditOutlined, DashboardOutlined, FundOutlined, HeatMapOutlined, CalendarOutlined, FileTextOutlined, InboxOutlined, LogoutOutlined,
  MenuFoldOutlined, MenuUnfoldOutlined, NotificationOutlined, SettingOutlined, UserOutlined,
  BulbOutlined,
  ReadOutlined,
} from '@ant-design/icons';
import { MENU, selectedKey, visibleMenu, type MenuNode } from './access';
import { signOut, useSession } from './session';
import { useT } from '../i18n';
import { LocaleSwitch } from '../i18n/LocaleSwitch';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { GlobalSearch } from '../pages/search/GlobalSearch';

const ICONS: Record<string, React.ReactNode> = {
  inbox: <InboxOutlined />, cockpit: <DashboardOutlined />, plans: <FileTextOutlined />, org: <ApartmentOutlined />, admin: <SettingOutlined />,
  'plans.meeting': <CalendarOutlined />, kpi: <FundOutlined />, risk: <AlertOutlined />,
  'kpi.dashboard': <DashboardOutlined />, 'risk.heatmap': <HeatMapOutlined />, 'admin.audit': <AuditOutlined />, 'admin.notifications': <NotificationOutlined />,
  proposals: <BulbOutlined />,
  training: <ReadOutlined />,
};

export { LocaleSwitch };

export function AppLayout() {
  const { t } = useT();
  const { me, access, loading } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();
  // a phone's header has room for the switch, the bell and the avatar, not the name and position
  const wide = Grid.useBreakpoint().md !== false;
  const menu = useMemo(() => visibleMenu(MENU, access), [access]);
  const toItems = (nodes: MenuNode[]): MenuProps['items'] =>
    nodes.map((n) =>
      n.children
        ? { key: n.key, icon: ICONS[n.key], label: t(n.labelKey), children: toItems(n.children) }
        : { key: n.key, icon: ICONS[n.key], label: <Link to={n.path ?? '/'}>{t(n.labelKey)}</Link> },
    );
  const selected = selectedKey(menu, location.pathname);
  const openKeys = menu.filter((n) => n.children).map((n) => n.key);
  const position = me?.positions[0];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} trigger={null} width={200} theme="dark" breakpoint="lg" onBreakpoint={setCollapsed}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
        <div style={{ height: 48, display: 'flex', alignItems: 'center', padding: '0 16px', color: '#fff', fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {collapsed ? t('common.appShort') : t('common.appName')}
        </div>
        <nav aria-label={t('common.mainMenu')}>
          {/* collapsed (a narrow screen), the groups are popups: opened by default they would all pop up at once
              over the page, so a collapsed menu starts closed */}
          <Menu key={`${openKeys.join(',')}:${collapsed}`} theme="dark" mode="inline" selectedKeys={selected ? [selected] : []}
            defaultOpenKeys={collapsed ? [] : openKeys} items={toItems(menu)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ position: 'sticky', top: 0, zIndex: 10, background: token.colorBgContainer, height: 48, lineHeight: '48px', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Button type="text" aria-label={collapsed ? t('common.expandMenu') : t('common.collapseMenu')} icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />} onClick={() => setCollapsed(!collapsed)} />
          <Space size={wide ? 'middle' : 4}>
            <GlobalSearch compact={!wide} />
            <LocaleSwitch />
            <NotificationBell />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'notification-settings', icon: <NotificationOutlined />, label: t('notifications.settings.menu') },
                  { type: 'divider' },
                  { key: 'signout', icon: <LogoutOutlined />, label: t('common.signOut') },
                ],
                onClick: async ({ key }) => {
                  if (key === 'notification-settings') navigate('/settings/notifications');
                  if (key === 'signout') {
                    const providerLogout = await signOut();
                    // a session from the company's identity provider ends there too
                    if (providerLogout) window.location.assign(providerLogout);
                    else navigate('/login', { replace: true });
                  }
                },
              }}
            >
              <Button type="text" data-testid="user-menu" aria-label={t('common.account')} title={wide ? undefined : me?.user.display_name}>
                <Space size={6}>
                  <Avatar size="small" icon={<UserOutlined />} />
                  {wide && <span>{me?.user.display_name ?? ''}</span>}
                  {wide && position && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{position.unit_name} · {position.title}</Typography.Text>}
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16, overflow: 'auto' }}>
          {loading ? <Spin style={{ display: 'block', margin: '80px auto' }} /> : <Outlet />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
