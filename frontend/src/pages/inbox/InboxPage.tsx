import { Link } from 'react-router-dom';
import { Alert, Badge, Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useInbox } from '../../api/inbox';
import { QueryState, StatusTag, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';

export default function InboxPage() {
  const { t } = useT();
  const inbox = useInbox();
  const units = useUnitNames();
  const data = inbox.data;
  const errors = Object.entries(data?.errors ?? {});
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('inbox.title')}</Typography.Title>
      <QueryState loading={inbox.isPending} error={inbox.error}>
        {errors.length > 0 && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('inbox.partial')}
            description={errors.map(([svc, detail]) => `${svc}: ${detail}`).join('；')} />
        )}
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={12}>
            <Card size="small" title={<Space>{t('inbox.pendingApprovals')}<Badge count={data?.pending_approvals.length ?? 0} showZero color="#1677ff" /></Space>}>
              <List
                size="small"
                dataSource={data?.pending_approvals ?? []}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.noApprovals')} /> }}
                renderItem={(p) => (
                  <List.Item actions={[<Link key="open" to={`/plans/${p.id}`}>{t('common.open')}</Link>]}>
                    <List.Item.Meta
                      title={<Link to={`/plans/${p.id}`}>{p.title}</Link>}
                      description={<Space size={4} wrap>
                        <StatusTag status={p.status} />
                        <Tag>{t(`plans.kind.${p.kind}`)}</Tag>
                        <span>{units.get(p.unit_id)?.name ?? p.unit_id}</span>
                        <span>{p.period}</span>
                        {(p.allowed_actions ?? []).filter((a) => ['approve', 'issue', 'publish', 'submit'].includes(a)).map((a) => <Tag color="blue" key={a}>{t(`plans.action.${a}`)}</Tag>)}
                      </Space>}
                    />
                  </List.Item>
                )}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={<Space>{t('inbox.myTasks')}<Badge count={data?.my_tasks.length ?? 0} showZero color="#1677ff" /></Space>}
              extra={<Link to="/plans/tasks">{t('inbox.reportProgress')}</Link>}>
              <List
                size="small"
                dataSource={data?.my_tasks ?? []}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.noTasks')} /> }}
                renderItem={(task) => (
                  <List.Item actions={[<Link key="plan" to={`/plans/${task.plan_id}`}>{t('inbox.openPlan')}</Link>]}>
                    <List.Item.Meta
                      title={<Space>{task.title}{task.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}</Space>}
                      description={<Space size={8} wrap>
                        <StatusTag status={task.status} ns="plans.taskStatus" />
                        <span>{t('plans.due')}: {task.due ?? '—'}</span>
                        <span>{t('plans.progress')}: {Math.round(task.progress)}%</span>
                      </Space>}
                    />
                  </List.Item>
                )}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={<Space>{t('inbox.openAlerts')}<Badge count={data?.open_alerts.length ?? 0} showZero /></Space>}>
              {data?.fallback ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.alertsUnavailable')} />
              ) : (
                <List size="small" dataSource={data?.open_alerts ?? []}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.noAlerts')} /> }}
                  renderItem={(a) => (
                    <List.Item>
                      <List.Item.Meta
                        title={<Space>{a.risk_title ?? a.indicator_code}<Tag color={a.level === 'critical' ? 'red' : 'orange'}>{t(`inbox.alertLevel.${a.level}`)}</Tag><StatusTag status={a.status} ns="inbox.alertStatus" /></Space>}
                        description={<Space size={8} wrap>
                          <span>{units.get(a.unit_id)?.name ?? a.unit_id}</span>
                          <span>{a.indicator_code} {a.period}</span>
                          <span>{t('inbox.valueVsThreshold', { value: a.value, threshold: a.threshold })}</span>
                          <span>{a.raised_at.slice(0, 16).replace('T', ' ')}</span>
                        </Space>}
                      />
                    </List.Item>
                  )} />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={<Space>{t('inbox.myActions')}<Badge count={data?.my_actions.length ?? 0} showZero /></Space>}>
              {data?.fallback ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.actionsUnavailable')} />
              ) : (
                <List size="small" dataSource={data?.my_actions ?? []}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.noActions')} /> }}
                  renderItem={(a) => (
                    <List.Item>
                      <List.Item.Meta
                        title={<Space>{a.title}{a.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}</Space>}
                        description={<Space size={8} wrap>
                          <span>{units.get(a.unit_id)?.name ?? a.unit_id}</span>
                          {a.indicator_code && <span>{a.indicator_code}</span>}
                          <span>{t('plans.due')}: {a.due}</span>
                          <Tag>{t(`inbox.actionStatus.${a.status}`)}</Tag>
                        </Space>}
                      />
                    </List.Item>
                  )} />
              )}
            </Card>
          </Col>
        </Row>
      </QueryState>
    </div>
  );
}
