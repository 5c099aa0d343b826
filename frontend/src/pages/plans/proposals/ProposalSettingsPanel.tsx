/** The company's proposal settings (admins): anonymous on/off, the review flow's stages, the reward scale
 * and the categories offered on the form. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Select, Space, Switch, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useProposalSettings, useUpdateProposalSettings } from '../../../api/proposals';
import type { ReviewStage, RewardLevel } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { freshKey, settingsProblems } from './proposalView';

const RIGHTS: ReviewStage['right'][] = ['plan', 'assess', 'veto', 'dispatch', 'guide', 'suggest'];
const OVERS: NonNullable<ReviewStage['over']>[] = ['unit', 'parent', 'company'];

export function ProposalSettingsPanel() {
  const { t } = useT();
  const settings = useProposalSettings();
  const save = useUpdateProposalSettings();
  const feedback = useApiFeedback();
  const [anonymous, setAnonymous] = useState(false);
  const [stages, setStages] = useState<ReviewStage[]>([]);
  const [levels, setLevels] = useState<RewardLevel[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  useEffect(() => {
    if (!settings.data) return;
    setAnonymous(settings.data.allow_anonymous);
    setStages(settings.data.stages);
    setLevels(settings.data.reward_levels);
    setCategories(settings.data.categories);
  }, [settings.data]);
  const problems = settingsProblems(stages, levels, t);
  const editStage = (i: number, patch: Partial<ReviewStage>) => setStages((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const editLevel = (i: number, patch: Partial<RewardLevel>) => setLevels((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <QueryState loading={settings.isPending} error={settings.error}>
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        <Alert type="info" showIcon message={t('proposals.settings.intro')} />
        <Card size="small">
          <Space>
            <Switch checked={anonymous} onChange={setAnonymous} aria-label={t('proposals.settings.allowAnonymous')} />
            <Typography.Text>{t('proposals.settings.allowAnonymous')}</Typography.Text>
          </Space>
        </Card>
        <Card size="small" title={t('proposals.settings.stages')}
          extra={<Button size="small" icon={<PlusOutlined />} onClick={() => setStages((s) => [...s, { key: freshKey('stage', s.map((x) => x.key)), name: '', right: 'plan', over: 'company' }])}>{t('proposals.settings.addStage')}</Button>}>
          <Table<ReviewStage> size="small" rowKey="key" pagination={false} dataSource={stages} scroll={{ x: 560 }}
            columns={[
              { title: '#', width: 40, render: (_, __, i) => i + 1 },
              { title: t('proposals.settings.stageName'), render: (_, s, i) => <Input value={s.name} aria-label={t('proposals.settings.stageName')} onChange={(e) => editStage(i, { name: e.target.value })} /> },
              { title: t('proposals.settings.right'), width: 130, render: (_, s, i) => (
                <Select value={s.right} style={{ width: '100%' }} aria-label={t('proposals.settings.right')} onChange={(v) => editStage(i, { right: v })}
                  options={RIGHTS.map((r) => ({ value: r, label: t(`org.right.${r}`) }))} />
              ) },
              { title: t('proposals.settings.over'), width: 130, render: (_, s, i) => (
                <Select value={s.over ?? 'unit'} style={{ width: '100%' }} aria-label={t('proposals.settings.over')} onChange={(v) => editStage(i, { over: v })}
                  options={OVERS.map((o) => ({ value: o, label: t(`proposals.stage.${o}`) }))} />
              ) },
              { title: '', width: 50, render: (_, __, i) => <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('proposals.settings.remove')} onClick={() => setStages((s) => s.filter((_x, j) => j !== i))} /> },
            ]} />
        </Card>
        <Card size="small" title={t('proposals.settings.rewardLevels')}
          extra={<Button size="small" icon={<PlusOutlined />} onClick={() => setLevels((s) => [...s, { key: freshKey('level', s.map((x) => x.key)), name: '', points: null, amount: null }])}>{t('proposals.settings.addLevel')}</Button>}>
          <Table<RewardLevel> size="small" rowKey="key" pagination={false} dataSource={levels} scroll={{ x: 520 }}
            columns={[
              { title: t('proposals.settings.levelName'), render: (_, l, i) => <Input value={l.name} aria-label={t('proposals.settings.levelName')} onChange={(e) => editLevel(i, { name: e.target.value })} /> },
              { title: t('proposals.settings.points'), width: 120, render: (_, l, i) => <InputNumber min={0} value={l.points ?? null} style={{ width: '100%' }} aria-label={t('proposals.settings.points')} onChange={(v) => editLevel(i, { points: v ?? null })} /> },
              { title: t('proposals.settings.amount'), width: 140, render: (_, l, i) => <InputNumber min={0} value={l.amount ?? null} style={{ width: '100%' }} addonAfter="元" aria-label={t('proposals.settings.amount')} onChange={(v) => editLevel(i, { amount: v ?? null })} /> },
              { title: '', width: 50, render: (_, __, i) => <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('proposals.settings.remove')} onClick={() => setLevels((s) => s.filter((_x, j) => j !== i))} /> },
            ]} />
        </Card>
        <Card size="small" title={t('proposals.settings.categories')}>
          <Select mode="tags" value={categories} onChange={setCategories} style={{ width: '100%' }} aria-label={t('proposals.settings.categories')} />
        </Card>
        {problems.length > 0 && <Alert type="warning" showIcon message={problems.join('；')} />}
        <Button type="primary" disabled={problems.length > 0} loading={save.isPending} onClick={() => save.mutate(
          { allow_anonymous: anonymous, stages, reward_levels: levels, categories },
          { onSuccess: () => feedback.ok(t('proposals.settings.saved')), onError: (err) => feedback.fail(err) },
        )}>{t('proposals.settings.save')}</Button>
      </Space>
    </QueryState>
  );
}
