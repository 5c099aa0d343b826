import { useMemo, useState } from 'react';
import { Alert, Card, Col, Descriptions, Row, Space, Tag, Tree, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { TreeProps } from 'antd';
import { useMoveUnit, usePositions, useUnitTree } from '../../api/org';
import type { UnitTree } from '../../api/types';
import { QueryState, flattenTree } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import OrgExchange from './OrgExchange';
import { isCompanyAdmin } from './orgImport';

type Node = { key: number; title: React.ReactNode; children?: Node[] };

export default function OrgTreePage() {
  const { t } = useT();
  const tree = useUnitTree();
  const positions = usePositions();
  const move = useMoveUnit();
  const feedback = useApiFeedback();
  const { access, me } = useSession();
  const canMove = access.rights.has('admin');
  const [selected, setSelected] = useState<number | undefined>();
  const byId = useMemo(() => (tree.data ? flattenTree(tree.data) : new Map<number, UnitTree>()), [tree.data]);
  const toNodes = (nodes: UnitTree[]): Node[] => nodes.map((n) => ({
    key: n.id,
    title: <span>{n.name} <Tag style={{ marginLeft: 4 }}>{t(`org.kind.${n.kind}`)}</Tag></span>,
    children: n.children?.length ? toNodes(n.children) : undefined,
  }));
  const onDrop: TreeProps['onDrop'] = async (info) => {
    const dragId = Number(info.dragNode.key);
    const dropId = Number(info.node.key);
    // dropped onto a node: becomes its child; dropped between nodes: a sibling (same parent)
    const parent = info.dropToGap ? byId.get(dropId)?.parent_id : dropId;
    if (parent === null || parent === undefined || parent === byId.get(dragId)?.parent_id) return;
    try {
      await move.mutateAsync({ id: dragId, parent_id: parent });
      feedback.ok(t('org.moved', { name: byId.get(dragId)?.name ?? '', parent: byId.get(parent)?.name ?? '' }));
    } catch (err) {
      feedback.fail(err);
    }
  };
  const unit = selected !== undefined ? byId.get(selected) : undefined;
  const unitPositions = (positions.data?.items ?? []).filter((p) => p.unit_id === selected);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('org.treeTitle')}</Typography.Title>
        <OrgExchange isAdmin={isCompanyAdmin(me?.grants)} unitId={selected} unitName={selected !== undefined ? byId.get(selected)?.name : undefined} />
      </Space>
      {canMove && <Alert type="info" showIcon message={t('org.dragHint')} style={{ marginBottom: 12 }} />}
      <QueryState loading={tree.isPending} error={tree.error} empty={(tree.data ?? []).length === 0}>
        <Row gutter={12}>
          <Col xs={24} lg={10}>
            <Card size="small">
              <Tree<Node> showLine defaultExpandAll blockNode draggable={canMove ? { icon: false } : false} onDrop={onDrop}
                treeData={toNodes(tree.data ?? [])} onSelect={(keys) => setSelected(keys.length ? Number(keys[0]) : undefined)} />
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card size="small" title={unit ? unit.name : t('org.selectUnit')}
              extra={access.rights.has('view') && <Link to={unit ? `/org/staffing?unit=${unit.id}` : '/org/staffing'}>{t('staffing.link')}</Link>}>
              {unit && (
                <>
                  <Descriptions size="small" column={2} items={[
                    { key: 'code', label: t('org.code'), children: unit.code },
                    { key: 'kind', label: t('org.kindLabel'), children: t(`org.kind.${unit.kind}`) },
                    { key: 'path', label: t('org.path'), children: unit.path },
                    { key: 'parent', label: t('org.parent'), children: unit.parent_id ? byId.get(unit.parent_id)?.name : '—' },
                  ]} />
                  <Typography.Text strong>{t('org.positions')}</Typography.Text>
                  {unitPositions.length === 0 ? <div><Typography.Text type="secondary">{t('org.noPositions')}</Typography.Text></div> :
                    unitPositions.map((p) => <div key={p.id}>{p.title}</div>)}
                </>
              )}
            </Card>
          </Col>
        </Row>
      </QueryState>
    </div>
  );
}
