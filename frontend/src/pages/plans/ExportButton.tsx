import { useState } from 'react';
import { Button } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { downloadWithToken } from '../../api/download';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';

export function ExportButton({ url, filename, disabled }: { url: string; filename: string; disabled?: boolean }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const [busy, setBusy] = useState(false);
  return (
    <Button icon={<DownloadOutlined />} loading={busy} disabled={disabled} onClick={async () => {
      setBusy(true);
      try {
        const err = await downloadWithToken(url, filename);
        if (err) feedback.fail(err);
      } finally {
        setBusy(false);
      }
    }}>
      {t('plans.export')}
    </Button>
  );
}
