/** Small pieces the register and the project page share. */
import { Space, Tag, Typography } from 'antd';
import type { ProjectRead } from '../../../api/types';
import { useT } from '../../../i18n';
import { daysToReview } from './stages';

const STAGE_COLORS: Record<string, string> = {
  research: 'default', diagnosis: 'geekblue', proposal: 'blue', evaluation: 'purple', implementation: 'cyan', review: 'green',
};

export function StageTag({ project }: { project: Pick<ProjectRead, 'stage' | 'cycle'> }) {
  const { t } = useT();
  return (
    <Space size={2}>
      <Tag color={STAGE_COLORS[project.stage]}>{t(`improvement.stage.${project.stage}`)}</Tag>
      {project.cycle > 1 && <Typography.Text type="secondary">{t('improvement.detail.cycle', { n: project.cycle })}</Typography.Text>}
    </Space>
  );
}

/** The next review date, with how far away it is (red once it has come). */
export function ReviewTag({ project }: { project: Pick<ProjectRead, 'next_review' | 'review_due' | 'stage'> }) {
  const { t } = useT();
  const days = daysToReview(project);
  if (project.stage !== 'review' || days === null || !project.next_review) return <>—</>;
  const label = days < 0 ? t('improvement.detail.reviewLate', { n: -days }) : days === 0 ? t('improvement.detail.reviewToday')
    : t('improvement.detail.reviewIn', { n: days });
  return (
    <Space size={4} wrap={false}>
      <span style={{ whiteSpace: 'nowrap' }}>{project.next_review}</span>
      <Tag color={project.review_due ? 'red' : days <= 14 ? 'orange' : 'default'}>{label}</Tag>
    </Space>
  );
}
