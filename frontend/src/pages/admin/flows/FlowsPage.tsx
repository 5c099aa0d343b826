import { useEffect, useMemo, useState } from 'react';
import {
  Alert, App, Button, Card, Col, Empty, Grid, Input, InputNumber, List, Row, Select, Space, Tag, Tooltip, Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useFlow, useFlowPreview, useFlows, useUpdateFlow } from '../../../api/flows';
import { ApiError } from '../../../api/errors';
import type { FlowCc, FlowPreviewRead, PreviewPerson, StagePreview } from '../../../api/types';
import { QueryState, UnitSelect, useUnitNames } from '../../../components/common';
import { useApiFeedback } from '../../../app/feedback';
import { useT } from '../../../i18n';
import {
  addCc, addStage, changed, draftProblems, heldInChoice, heldInValue, moveStage, OVERS, removeCc, removeStage,
  STAGE_RIGHTS, toBody, toDraft, updateCc, updateStage, type DraftStage,
} from './flowDraft';

type HeldOption = { value: string; label: string };

/** 持有部门: any unit, the company itself, or a unit by name (its code is what the flow stores). */
function HeldInSelect({ value, onChange, options, label }: {
  value: string | null; onChange: (v: string | null) => void; options: HeldOption[]; label: string;
}) {
  return (
    <Select aria-label={label} value={heldInChoice(value)} onChange={(v: string) => onChange(heldInValue(v))}
      options={options} showSearch optionFilterProp="label" style={{ width: '100%' }} />
  );
}

function CcRow({ cc, onChange, onRemove, heldOptions }: {
  cc: FlowCc; onChange: (patch: Partial<FlowCc>) => void; onRemove: () => void; heldOptions: HeldOption[];
}) {
  const { t } = useT();
  return (
    <Row gutter={[8, 8]} align="middle" data-testid="cc-row">
      <Col xs={24} sm={7}>
        <Select aria-label={`${t('flows.cc')} · ${t('flows.right')}`} value={cc.right} onChange={(right: string) => onChange({ right })}
          options={STAGE_RIGHTS.map((r) => ({ value: r, label: t(`org.right.${r}`) }))} style={{ width: '100%' }} />
      </Col>
      <Col xs={24} sm={7}>
        <Select aria-label={`${t('flows.cc')} · ${t('flows.over')}`} value={cc.over} onChange={(over: FlowCc['over']) => onChange({ over })}
          options={OVERS.map((o) => ({ value: o, label: t(`flows.overOption.${o}`) }))} style={{ width: '100%' }} />
      </Col>
      <Col xs={20} sm={8}>
        <HeldInSelect label={`${t('flows.cc')} · ${t('flows.heldIn')}`} value={cc.held_in ?? null}
          onChange={(held_in) => onChange({ held_in })} options={heldOptions} />
      </Col>
      <Col xs={4} sm={2}>
        <Tooltip title={t('flows.removeCc')}>
          <Button aria-label={t('flows.removeCc')} icon={<DeleteOutlined />} onClick={onRemove} />
        </Tooltip>
      </Col>
    </Row>
  );
}

function StageEditor({ stage, index, count, onChange, onMove, onRemove, onAddCc, onCc, onRemoveCc, heldOptions }: {
  stage: DraftStage; index: number; count: number; onChange: (patch: Partial<DraftStage>) => void;
  onMove: (delta: -1 | 1) => void; onRemove: () => void; onAddCc: () => void;
  onCc: (ccIndex: number, patch: Partial<FlowCc>) => void; onRemoveCc: (ccIndex: number) => void; heldOptions: HeldOption[];
}) {
  const { t } = useT();
  // on a phone the stage's buttons are thumb-sized (phone.css: .yg-thumb)
  const thumb = Grid.useBreakpoint().md === false ? 'yg-thumb' : undefined;
  const field = (label: string, node: React.ReactNode, span = 8) => (
    <Col xs={24} sm={12} md={span}>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{label}</Typography.Text>
      {node}
    </Col>
  );
  return (
    <Card size="small" data-testid="stage" data-key={stage.key} style={{ marginBottom: 8 }}
      title={<span>{t('flows.stage', { n: index + 1 })}{stage.name ? ` · ${stage.name}` : ''}</span>}
      extra={<Space size={4}>
        <Button size="small" className={thumb} aria-label={`${t('flows.moveUp')} ${index + 1}`} icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => onMove(-1)} />
        <Button size="small" className={thumb} aria-label={`${t('flows.moveDown')} ${index + 1}`} icon={<ArrowDownOutlined />} disabled={index === count - 1} onClick={() => onMove(1)} />
        <Button size="small" className={thumb} danger aria-label={`${t('flows.removeStage')} ${index + 1}`} icon={<DeleteOutlined />} disabled={count === 1} onClick={onRemove} />
      </Space>}>
      <Row gutter={[12, 8]}>
        {field(t('flows.stageName'), <Input aria-label={t('flows.stageName')} value={stage.name} maxLength={100}
          onChange={(e) => onChange({ name: e.target.value })} />)}
        {field(t('flows.stageNameEn'), <Input aria-label={t('flows.stageNameEn')} value={stage.name_en} maxLength={100}
          onChange={(e) => onChange({ name_en: e.target.value })} />)}
        {field(t('flows.right'), <Select aria-label={t('flows.right')} value={stage.right} style={{ width: '100%' }}
          onChange={(right: string) => onChange({ right })}
          options={STAGE_RIGHTS.map((r) => ({ value: r, label: t(`org.right.${r}`) }))} />)}
        {field(t('flows.over'), <Select aria-label={t('flows.over')} value={stage.over} style={{ width: '100%' }}
          onChange={(over: DraftStage['over']) => onChange({ over })}
          options={OVERS.map((o) => ({ value: o, label: t(`flows.overOption.${o}`) }))} />)}
        {field(t('flows.heldIn'), <HeldInSelect label={t('flows.heldIn')} value={stage.held_in}
          onChange={(held_in) => onChange({ held_in })} options={heldOptions} />)}
        {field(t('flows.signers'), <Select aria-label={t('flows.signers')} value={stage.signers} style={{ width: '100%' }}
          onChange={(signers: DraftStage['signers']) => onChange({ signers })}
          options={(['any', 'all'] as const).map((s) => ({ value: s, label: t(`flows.signersOption.${s}`) }))} />)}
        {field(t('flows.timeLimit'), <InputNumber aria-label={t('flows.timeLimit')} min={0} max={60} precision={0}
          value={stage.time_limit_days} placeholder={t('flows.timeLimitDefault')} style={{ width: '100%' }}
          onChange={(v) => onChange({ time_limit_days: typeof v === 'number' ? v : null })} />)}
      </Row>
      <div style={{ marginTop: 8 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('flows.cc')}</Typography.Text>
        <Space direction="vertical" style={{ width: '100%' }} size={6}>
          {stage.cc.map((cc, i) => (
            <CcRow key={i} cc={cc} heldOptions={heldOptions} onChange={(patch) => onCc(i, patch)} onRemove={() => onRemoveCc(i)} />
          ))}
          <Button size="small" icon={<PlusOutlined />} onClick={onAddCc}>{t('flows.addCc')}</Button>
        </Space>
      </div>
    </Card>
  );
}

function PersonTag({ person }: { person: PreviewPerson }) {
  const { t } = useT();
  const where = person.positions.map((p) => (p.delegated_by
    ? t('flows.viaDelegation', { from: p.delegated_by, unit: p.unit_name })
    : t('flows.via', { title: p.title, unit: p.unit_name }))).join('；');
  return <Tag color="blue" style={{ marginBottom: 4 }}>{person.name}{where ? `（${where}）` : ''}</Tag>;
}

function PreviewResult({ result }: { result: FlowPreviewRead }) {
  const { t, locale } = useT();
  const zh = locale === 'zh-CN';
  const words = (s: StagePreview) => ({
    requirement: zh ? s.requirement_zh : s.requirement,
    skip: zh ? s.skip_note_zh : s.skip_note,
    warning: zh ? s.warning_zh : s.warning,
  });
  return (
    <List size="small" dataSource={result.stages} renderItem={(s) => {
      const w = words(s);
      return (
        <List.Item data-testid="preview-stage" style={{ display: 'block' }}>
          <Space wrap size={4} style={{ marginBottom: 4 }}>
            <Typography.Text strong>{s.index + 1}. {zh || !s.name_en ? s.name : s.name_en}</Typography.Text>
            <Tag>{zh ? s.signers_zh : t(`flows.signersOption.${s.signers}`)}</Tag>
            {s.skipped_if_submitter_holds && <Tooltip title={w.skip}><Tag>{t('flows.skippable')}</Tag></Tooltip>}
          </Space>
          <div><Typography.Text type="secondary">{w.requirement}</Typography.Text></div>
          <div style={{ marginTop: 4 }}>
            {s.people.length ? s.people.map((p) => <PersonTag key={p.id} person={p} />)
              : <Alert type="error" showIcon message={w.warning ?? t('flows.nobody')} />}
          </div>
          {s.cc.map((c, i) => (
            <div key={i} style={{ marginTop: 4 }}>
              <Typography.Text type="secondary">{t('flows.ccTo')}（{zh ? c.requirement_zh : c.requirement}）：</Typography.Text>
              {c.people.length ? c.people.map((p) => <PersonTag key={p.id} person={p} />)
                : <Typography.Text type="warning">{zh ? c.warning_zh : c.warning}</Typography.Text>}
            </div>
          ))}
        </List.Item>
      );
    }} />
  );
}

export default function FlowsPage() {
  const { t } = useT();
  const feedback = useApiFeedback();
  const { modal } = App.useApp();
  const flows = useFlows();
  const [kind, setKind] = useState<string | undefined>();
  const selected = kind ?? flows.data?.[0]?.kind;
  const flow = useFlow(selected);
  const update = useUpdateFlow(selected ?? '');
  const previewer = useFlowPreview(selected ?? '');
  const units = useUnitNames();
  const [draft, setDraft] = useState<DraftStage[]>([]);
  const [name, setName] = useState('');
  const [finalAction, setFinalAction] = useState<'issue' | 'publish'>('issue');
  const [previewUnit, setPreviewUnit] = useState<number | undefined>();
  const saved = useMemo(() => (flow.data?.stages ?? []).map(toDraft), [flow.data]);

  const reset = () => {
    if (!flow.data) return;
    setDraft(saved);
    setName(flow.data.name);
    setFinalAction(flow.data.final_action === 'publish' ? 'publish' : 'issue');
  };
  // a newly loaded version (another flow picked, saved, or reloaded after a conflict) replaces the draft
  useEffect(reset, [flow.data?.kind, flow.data?.version]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => previewer.reset(), [selected]); // eslint-disable-line react-hooks/exhaustive-deps

  const heldOptions: HeldOption[] = [
    { value: '', label: t('flows.heldInAny') },
    { value: 'company', label: t('flows.heldInCompany') },
    ...[...units.values()].filter((u) => u.code).map((u) => ({ value: u.code, label: u.name })),
  ];
  const problems = draftProblems(draft);
  const dirty = !!flow.data && (changed(saved, draft) || name !== flow.data.name || finalAction !== flow.data.final_action);

  // picking another flow drops the draft: asked first when it has changes
  const pick = (next: string) => {
    if (next === selected) return;
    if (!dirty) { setKind(next); return; }
    modal.confirm({ title: t('flows.discard'), okText: t('flows.discardOk'), cancelText: t('common.cancel'), onOk: () => setKind(next) });
  };

  const save = async () => {
    try {
      await update.mutateAsync({ name: name.trim(), stages: toBody(draft), final_action: finalAction });
      feedback.ok(t('flows.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        feedback.fail(new Error(t('flows.stale')));
        await flow.refetch();
      } else {
        feedback.fail(err);
      }
    }
  };
  const runPreview = () => {
    if (previewUnit === undefined || problems.length) return;
    previewer.mutate({ unit_id: previewUnit, stages: toBody(draft) });
  };

  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('flows.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('flows.intro')}</Typography.Paragraph>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={5}>
          <Card size="small" title={t('flows.list')}>
            <QueryState loading={flows.isPending} error={flows.error} empty={(flows.data ?? []).length === 0}>
              <List size="small" dataSource={flows.data ?? []} renderItem={(f) => (
                <List.Item style={{ background: f.kind === selected ? '#e6f4ff' : undefined, paddingLeft: 8, display: 'block' }}>
                  <Button type="link" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                    aria-current={f.kind === selected ? 'true' : undefined} onClick={() => pick(f.kind)}>{f.name}</Button>
                  <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`flows.kind.${f.kind}`)} · {t('flows.stageCount', { n: f.stages.length })}
                  </Typography.Text></div>
                </List.Item>
              )} />
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} lg={19}>
          <Card size="small" title={flow.data ? flow.data.name : t('flows.title')}
            extra={flow.data && <Space wrap>
              {dirty && <Tag color="orange">{t('flows.unsaved')}</Tag>}
              <Button onClick={reset} disabled={!dirty}>{t('common.reset')}</Button>
              <Button type="primary" disabled={!dirty || problems.length > 0} loading={update.isPending} onClick={save}>{t('common.save')}</Button>
            </Space>}>
            <QueryState loading={!!selected && flow.isPending} error={flow.error}>
              {!flow.data ? <Empty /> : (
                <>
                  <Row gutter={[12, 8]} style={{ marginBottom: 12 }}>
                    <Col xs={24} md={16}>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('flows.name')}</Typography.Text>
                      <Input aria-label={t('flows.name')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
                    </Col>
                    <Col xs={24} md={8}>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('flows.finalAction')}</Typography.Text>
                      <Select aria-label={t('flows.finalAction')} value={finalAction} onChange={setFinalAction} style={{ width: '100%' }}
                        options={(['issue', 'publish'] as const).map((a) => ({ value: a, label: t(`plans.action.${a}`) }))} />
                    </Col>
                  </Row>
                  {draft.map((s, i) => (
                    <StageEditor key={s.key} stage={s} index={i} count={draft.length} heldOptions={heldOptions}
                      onChange={(patch) => setDraft((d) => updateStage(d, i, patch))}
                      onMove={(delta) => setDraft((d) => moveStage(d, i, delta))}
                      onRemove={() => setDraft((d) => removeStage(d, i))}
                      onAddCc={() => setDraft((d) => addCc(d, i))}
                      onCc={(ci, patch) => setDraft((d) => updateCc(d, i, ci, patch))}
                      onRemoveCc={(ci) => setDraft((d) => removeCc(d, i, ci))} />
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => setDraft(addStage)}>{t('flows.addStage')}</Button>
                  {problems.length > 0 && (
                    <Alert style={{ marginTop: 12 }} type="warning" showIcon
                      message={<ul style={{ margin: 0, paddingLeft: 18 }}>{problems.map((p, i) => <li key={i}>{t(p.key, p.vars)}</li>)}</ul>} />
                  )}
                </>
              )}
            </QueryState>
          </Card>
          {flow.data && (
            <Card size="small" title={t('flows.preview')} style={{ marginTop: 12 }} data-testid="flow-preview">
              <Typography.Paragraph type="secondary">{t('flows.previewIntro')}</Typography.Paragraph>
              <Space wrap style={{ marginBottom: 12 }}>
                <UnitSelect value={previewUnit} onChange={setPreviewUnit} placeholder={t('flows.previewUnit')} style={{ width: 240 }} />
                <Button type="primary" onClick={runPreview} loading={previewer.isPending}
                  disabled={previewUnit === undefined || problems.length > 0}>{t('flows.previewRun')}</Button>
                {dirty && previewer.data && <Tag color="orange">{t('flows.previewDraft')}</Tag>}
              </Space>
              {previewer.error ? <Alert type="error" showIcon message={previewer.error instanceof ApiError ? previewer.error.detail : String(previewer.error)} />
                : previewer.data ? <PreviewResult result={previewer.data} />
                  : <Empty description={t('flows.previewPick')} />}
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
