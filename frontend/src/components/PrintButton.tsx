/** 打印 / PDF on a source page: opens the record's print view (/print/...) in a new tab. The tab is
 * opened with an opener so it shares this tab's session (sessionStorage is copied to it). */
import { Button } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useT } from '../i18n';

export function PrintButton({ to, disabled }: { to: string; disabled?: boolean }) {
  const { t } = useT();
  return (
    <Button icon={<PrinterOutlined />} disabled={disabled} onClick={() => window.open(to, '_blank')} data-testid="print-button">
      {t('print.button')}
    </Button>
  );
}
