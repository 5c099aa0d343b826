/** 搜索: every hit of a query the caller may see, one card per kind, each linking to its page; services that did
 * not answer are named (the results are then incomplete). The query lives in the address (/search?q=). */
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Badge, Card, Col, Empty, Input, List, Row, Space, Tag, Typography } from 'antd';
import { useSearch } from '../../api/search';
import { QueryState } from '../../components/common';
import { useT } from '../../i18n';
import { orderedGroups, searchable } from './hits';
import { HitStatus } from './HitLine';

const PER_KIND = 20;

export default function SearchPage() {
  const { t, locale } = useT();
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const search = useSearch(q, PER_KIND);
  const groups = orderedGroups(search.data?.groups);
  const missing = Object.keys(search.data?.errors ?? {});
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('search.title')}</Typography.Title>
      <Input.Search value={text} onChange={(e) => setText(e.target.value)} enterButton allowClear autoFocus={!q}
        placeholder={t('search.placeholder')} aria-label={t('search.label')} data-testid="search-page-input"
        onSearch={(value) => setParams(value.trim() ? { q: value.trim() } : {})} style={{ maxWidth: 560 }} />
      {!q ? <Typography.Text type="secondary">{t('search.hint')}</Typography.Text>
        : !searchable(q) ? <Alert type="info" showIcon message={t('search.tooShort')} />
        : (
          <QueryState loading={search.isLoading} error={search.error} empty={groups.length === 0 && missing.length === 0}
            emptyText={t('search.nothingFor', { q })}>
            {missing.length > 0 && (
              <Alert type="warning" showIcon data-testid="search-partial" style={{ marginBottom: 16 }}
                message={t('search.partial', { services: missing.map((s) => t(`search.services.${s}`)).join(locale === 'zh-CN' ? '、' : ', ') })} />
            )}
            {groups.length === 0 ? <Empty description={t('search.nothingFor', { q })} /> : (
              <Row gutter={[16, 16]}>
                {groups.map(([kind, hits]) => (
                  <Col key={kind} xs={24} lg={12}>
                    <Card size="small" data-testid={`search-group-${kind}`}
                      title={<Space>{t(`search.kinds.${kind}`)}<Badge count={hits.length} showZero color="#1677ff" /></Space>}>
                      <List size="small" dataSource={hits} renderItem={(hit) => (
                        <List.Item key={`${hit.kind}:${hit.id}`} extra={<HitStatus hit={hit} />}>
                          <List.Item.Meta
                            title={<Link to={hit.url} data-testid="search-hit">
                              {locale === 'en-US' && hit.title_en ? hit.title_en : hit.title}</Link>}
                            description={<Space size={4} wrap>
                              {hit.subtitle && <span>{hit.subtitle}</span>}
                              {hit.unit_name && <Tag>{hit.unit_name}</Tag>}
                            </Space>} />
                        </List.Item>
                      )} />
                    </Card>
                  </Col>
                ))}
              </Row>
            )}
          </QueryState>
        )}
    </Space>
  );
}
