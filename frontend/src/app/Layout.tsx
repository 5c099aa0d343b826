import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Spin, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import {
  AlertOutlined, ApartmentOutlined, AuditOutlined, DashboardOutlined, FundOutlined, HeatMapOutlined, CalendarOutlined, FileTextOutlined, InboxOutlined, LogoutOutlined,
  MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined, NotificationOutlined, SettingOutlined, UserOutlined,
  BulbOutlined,
  ReadOutlined,
} from '@ant-design/icons';
import { MENU, selectedKey, visibleMenu, type MenuNode } from './access';
import { signOut, useSession } from './session';
import { useT } from '../i18n';
import { LocaleSwitch } from '../i18n/LocaleSwitch';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { GlobalSearch } from '../pages/search/GlobalSearch';
import './phone.css';

const ICONS: Record<string, React.ReactNode> = {
  inbox: <InboxOutlined />, cockpit: <DashboardOutlined />, plans: <FileTextOutlined />, org: <ApartmentOutlined />, admin: <SettingOutlined />,
  'plans.meeting': <CalendarOutlined />, kpi: <FundOutlined />, risk: <AlertOutlined />,
  'kpi.dashboard': <DashboardOutlined />, 'risk.heatmap': <HeatMapOutlined />, 'admin.audit': <AuditOutlined />, 'admin.notifications': <NotificationOutlined />,
  proposals: <BulbOutlined />,
  training: <ReadOutlined />,
};

export { LocaleSwitch };

/** The account button and its menu (notification settings, sign out); on a phone only the avatar. */
function UserMenu({ wide }: { wide: boolean }) {
  const { t } = useT();
  const { me } = useSession();
  const navigate = useNavigate();
  const position = me?.positions[0];
  return (
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
  );
}

/** The menu the user's grants allow, as one antd Menu (in the sider on a desk, in the drawer on a phone). */
function MainMenu({ nodes, collapsed, onNavigate }: { nodes: MenuNode[]; collapsed: boolean; onNavigate?: () => void }) {
  const { t } = useT();
  const location = useLocation();
  const toItems = (list: MenuNode[]): MenuProps['items'] =>
    list.map((n) =>
      n.children
        ? { key: n.key, icon: ICONS[n.key], label: t(n.labelKey), children: toItems(n.children) }
        : { key: n.key, icon: ICONS[n.key], label: <Link to={n.path ?? '/'}>{t(n.labelKey)}</Link> },
    );
  const selected = selectedKey(nodes, location.pathname);
  // on a desk every group starts open; in a phone's drawer only the current page's group, so the list stays short
  const openKeys = onNavigate
    ? nodes.filter((n) => n.children?.some((c) => c.key === selected)).map((n) => n.key)
    : nodes.filter((n) => n.children).map((n) => n.key);
  return (
    <nav aria-label={t('common.mainMenu')}>
      {/* collapsed (a narrow desk screen), the groups are popups: opened by default they would all pop up at
          once over the page, so a collapsed menu starts closed */}
      <Menu key={`${openKeys.join(',')}:${collapsed}`} theme="dark" mode="inline" selectedKeys={selected ? [selected] : []}
        defaultOpenKeys={collapsed ? [] : openKeys} items={toItems(nodes)} onClick={onNavigate} />
    </nav>
  );
}

/** The shell: below 768 px (a phone, DingTalk's or WeCom's in-app browser) the menu is a drawer opened from
 * the header, so nothing flies out over the page and the page keeps the screen's width; wider, a sider.
 * The header has two slots: `start` (the menu button) and `tools` (locale, bell, account; a search box goes
 * here), each a list so additions stay one line. */
export function AppLayout() {
  const { t } = useT();
  const { access, loading } = useSession();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  // useBreakpoint is empty before its first measurement: a desk until told otherwise
  const phone = screens.md === false;
  const wide = !phone;
  const menu = useMemo(() => visibleMenu(MENU, access), [access]);
  // a page opened from the drawer (or by the back button) closes it
  useEffect(() => setDrawerOpen(false), [location.pathname]);
  useEffect(() => { if (!phone) setDrawerOpen(false); }, [phone]);
  const start: ReactNode[] = [
    phone
      ? <Button key="menu" type="text" data-testid="menu-drawer-toggle" aria-label={t('shell.openMenu')} aria-expanded={drawerOpen}
          icon={<MenuOutlined />} onClick={() => setDrawerOpen(true)} className="yg-thumb" />
      : <Button key="menu" type="text" aria-label={collapsed ? t('common.expandMenu') : t('common.collapseMenu')} icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />} onClick={() => setCollapsed(!collapsed)} />,
    phone && <Typography.Text key="name" strong className="yg-header-name">{t('common.appName')}</Typography.Text>,
  ];
  const tools: ReactNode[] = [
    <GlobalSearch key="search" compact={!wide} />,
    <LocaleSwitch key="locale" />,
    <NotificationBell key="bell" />,
    <UserMenu key="user" wide={wide} />,
  ];
  return (
    <Layout style={{ minHeight: '100vh' }} className={phone ? 'yg-phone' : undefined}>
      {!phone && (
        <Layout.Sider collapsible collapsed={collapsed} trigger={null} width={200} theme="dark" breakpoint="lg" onBreakpoint={setCollapsed}
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          <div style={{ height: 48, display: 'flex', alignItems: 'center', padding: '0 16px', color: '#fff', fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap', overflow: 'hidden' }}>
            {collapsed ? t('common.appShort') : t('common.appName')}
          </div>
          <MainMenu nodes={menu} collapsed={collapsed} />
        </Layout.Sider>
      )}
      {phone && (
        <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)} placement="left" width={264} title={t('common.appName')}
          rootClassName="yg-menu-drawer"
          styles={{ body: { padding: 0, background: '#001529' } }}>
          <MainMenu nodes={menu} collapsed={false} onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header style={{ position: 'sticky', top: 0, zIndex: 10, background: token.colorBgContainer, height: 48, lineHeight: '48px', padding: phone ? '0 8px' : '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Space size={4} className="yg-header-start">{start}</Space>
          <Space size={wide ? 'middle' : 4} className="yg-header-tools">{tools}</Space>
        </Layout.Header>
        <Layout.Content style={{ padding: phone ? 12 : 16, overflow: 'auto', minWidth: 0 }}>
          {loading ? <Spin style={{ display: 'block', margin: '80px auto' }} /> : <Outlet />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
