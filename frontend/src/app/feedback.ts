import { App } from 'antd';
import type { FormInstance } from 'antd';
import { ApiError, formFieldErrors, problemKey } from '../api/errors';
import { useT } from '../i18n';

/** Show an API failure to the user: the problem's detail as a message, field errors on the form. */
export function useApiFeedback() {
  const { message } = App.useApp();
  const { t } = useT();
  return {
    ok: (text: string) => void message.success(text),
    fail: (err: unknown, form?: FormInstance) => {
      if (err instanceof ApiError) {
        if (form) {
          const fields = formFieldErrors(err);
          if (fields.length) form.setFields(fields as Parameters<FormInstance['setFields']>[0]);
        }
        // A summary in the user's language first, then the server's own precise words.
        const summary = t(problemKey(err));
        void message.error(err.detail && err.detail !== summary ? `${summary}${t('common.colon')}${err.detail}` : summary, 6);
      } else {
        void message.error(err instanceof Error ? err.message : t('common.failed'), 6);
      }
    },
  };
}
