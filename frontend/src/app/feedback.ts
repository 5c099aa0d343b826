import { App } from 'antd';
import type { FormInstance } from 'antd';
import { ApiError, formFieldErrors, problemMessage } from '../api/errors';
import { useT } from '../i18n';

/** Show an API failure to the user: the problem's detail as a message, field errors on the form. */
export function useApiFeedback() {
  const { message } = App.useApp();
  const { t } = useT();
  return {
    ok: (text: string) => void message.success(text),
    fail: (err: unknown, form?: FormInstance) => {
      if (err instanceof ApiError && form) {
        const fields = formFieldErrors(err);
        if (fields.length) form.setFields(fields as Parameters<FormInstance['setFields']>[0]);
      }
      void message.error(problemMessage(err, t), 6);
    },
  };
}
