import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Col, Empty, List, Row, Segmented, Space, Tag, Typography } from 'antd';
import { useHeatmap } from '../../api/risk';
import type { HeatmapCell } from '../../api/types';
import { useSession } from '../../app/session';
import { cellRisks, heatmapRows, levelColor } from '../../charts/risk';
import { QueryState, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';
import { LEVELS } from './constants';
import { LevelTag } from './parts';

const BASES = ['current', 'inherent', 'residual'] as const;

export default function HeatmapPage() {
  const { t } = useT();
  const { me } = useSession();
  const [unit, setUnit] = useState<number | undefined>();
  const unit_id = unit ?? me?.positions[0]?.unit_id;
  const [basis, setBasis] = useState<string>('current');
  const heat = useHeatmap({ unit_id, basis });
  const [picked, setPicked] = useState<{ l: number; i: number } | null>(null);
  const rows = heatmapRows(heat.data?.cells ?? []);
  const pickedCell = picked ? heat.data?.cells.find((c) => c.likelihood === picked.l && c.impact === picked.i) ?? null : null;
  const cellLabel = (c: HeatmapCell) => t('risk.cellLabel', { l: c.likelihood, i: c.impact, score: c.score, count: c.count });
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('risk.heatmapTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect value={unit_id} onChange={(v) => { setUnit(v); setPicked(null); }} style={{ width: 220 }} />
          <Segmented value={basis} onChange={(v) => { setBasis(v as string); setPicked(null); }} options={BASES.map((b) => ({ value: b, label: t(`risk.bases.${b}`) }))} />
        </Space>
      </Space>
      <QueryState loading={unit_id !== undefined && heat.isPending} error={heat.error}>
        {heat.data && (
          <Row gutter={12}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('risk.heatmapSummary', { total: heat.data.total, unassessed: heat.data.unassessed })}>
                <div style={{ display: 'grid', gridTemplateColumns: '32px repeat(5, minmax(56px, 1fr))', gap: 4 }} role="grid" aria-label={t('risk.heatmapTitle')}>
                  {rows.map((row) => (
                    <div key={row.likelihood} role="row" style={{ display: 'contents' }}>
                      <div role="rowheader" style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', fontWeight: 600 }}>{row.likelihood}</div>
                      {row.cells.map((c, idx) => {
                        if (!c) return <div key={idx} role="gridcell" style={{ background: '#fafafa', height: 64 }} />;
                        const active = picked?.l === c.likelihood && picked?.i === c.impact;
                        return (
                          <button
                            key={idx}
                            type="button"
                            role="gridcell"
                            aria-label={cellLabel(c)}
                            title={cellLabel(c)}
                            data-testid={`heat-${c.likelihood}-${c.impact}`}
                            onClick={() => setPicked({ l: c.likelihood, i: c.impact })}
                            style={{
                              height: 64, border: active ? '3px solid #1677ff' : '1px solid rgba(0,0,0,0.06)', borderRadius: 4, cursor: 'pointer',
                              background: levelColor(c.level), opacity: c.count ? 1 : 0.45, display: 'flex', flexDirection: 'column',
                              alignItems: 'center', justifyContent: 'center', fontSize: 12, color: 'rgba(0,0,0,0.75)',
                            }}
                          >
                            <span style={{ fontSize: c.count ? 20 : 14, fontWeight: 600 }}>{c.count || ''}</span>
                            <span>{c.score}</span>
                          </button>
                        );
                      })}
                    </div>
                  ))}
                  <div />
                  {[1, 2, 3, 4, 5].map((i) => <div key={i} style={{ textAlign: 'center', fontWeight: 600 }}>{i}</div>)}
                </div>
                <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 8 }} wrap>
                  <Typography.Text type="secondary">{t('risk.axisHint')}</Typography.Text>
                  <Space size={4}>{LEVELS.map((l) => <Tag key={l} color={levelColor(l)} style={{ color: 'rgba(0,0,0,0.8)' }}>{t(`risk.levels.${l}`)}</Tag>)}</Space>
                </Space>
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={pickedCell ? cellLabel(pickedCell) : t('risk.pickCell')} data-testid="heat-cell-risks">
                {!pickedCell ? <Typography.Text type="secondary">{t('risk.pickCellHint')}</Typography.Text>
                  : cellRisks(pickedCell).length === 0 ? <Empty description={t('risk.cellEmpty')} />
                    : (
                      <List size="small" dataSource={cellRisks(pickedCell)} renderItem={(r) => (
                        <List.Item extra={<LevelTag level={typeof r.level === 'string' ? r.level : pickedCell.level} />}>
                          <Space direction="vertical" size={0}>
                            <Link to={`/risk/${r.id}`}>{r.title}</Link>
                            {typeof r.status === 'string' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`risk.statuses.${r.status}`)}</Typography.Text>}
                          </Space>
                        </List.Item>
                      )} />
                    )}
              </Card>
            </Col>
          </Row>
        )}
      </QueryState>
    </div>
  );
}
