/** 工作日历: a year's public holidays, 调休 workdays and the company's overrides (what limits and SLAs count
 * in working days); an admin makes a date a working day or a day off, or drops an override. */
import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Radio, Space, Table, Tag } from 'antd';
import { useCalendar, useRemoveCalendarDay, useSetCalendarDay } from '../../../api/reminders';
import type { CalendarDayRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { dayKind, weekday, type DayKind } from './rules';

const KIND_COLORS: Record<DayKind, string> = { holiday: 'red', makeup: 'orange', companyOff: 'magenta', companyWork: 'blue' };

type AddForm = { day: Dayjs; workday: boolean; note?: string };

export function CalendarTab() {
  const { t, locale } = useT();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const calendar = useCalendar(year);
  const setDay = useSetCalendarDay();
  const removeDay = useRemoveCalendarDay();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<AddForm>();
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button onClick={() => setYear(year - 1)} aria-label={t('notifications.admin.prevYear')}>‹</Button>
        <InputNumber value={year} min={2000} max={2100} precision={0} onChange={(v) => v && setYear(v)} aria-label={t('notifications.admin.year')} style={{ width: 100 }} />
        <Button onClick={() => setYear(year + 1)} aria-label={t('notifications.admin.nextYear')}>›</Button>
      </Space>
      {calendar.data && !calendar.data.statutory_covered && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('notifications.admin.notCovered', { year })} />
      )}
      <Card size="small" title={t('notifications.admin.addOverride')} style={{ marginBottom: 12 }}>
        <Form<AddForm> form={form} layout="inline" initialValues={{ workday: false }} onFinish={async (v) => {
          try {
            await setDay.mutateAsync({ day: v.day.format('YYYY-MM-DD'), body: { workday: v.workday, note: v.note?.trim() ?? '' } });
            feedback.ok(t('notifications.admin.overrideSaved'));
            if (v.day.year() !== year) setYear(v.day.year());
            form.resetFields();
          } catch (err) {
            feedback.fail(err, form);
          }
        }}>
          <Form.Item name="day" label={t('notifications.admin.date')} rules={[{ required: true, message: t('notifications.admin.dateRequired') }]} style={{ marginBottom: 8 }}>
            <DatePicker defaultPickerValue={dayjs(`${year}-01-01`)} />
          </Form.Item>
          <Form.Item name="workday" style={{ marginBottom: 8 }}>
            <Radio.Group optionType="button" options={[{ value: false, label: t('notifications.admin.dayOff') }, { value: true, label: t('notifications.admin.workday') }]} />
          </Form.Item>
          <Form.Item name="note" label={t('notifications.admin.note')} style={{ marginBottom: 8 }}>
            <Input maxLength={200} style={{ width: 220, maxWidth: '100%' }} placeholder={t('notifications.admin.noteHint')} />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Button type="primary" htmlType="submit" loading={setDay.isPending}>{t('notifications.admin.addOverrideButton')}</Button>
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={calendar.error} />
      <Table<CalendarDayRead> size="small" rowKey="date" loading={calendar.isPending} dataSource={calendar.data?.days ?? []} pagination={false} scroll={{ x: 720 }}
        locale={{ emptyText: t('notifications.admin.noDays') }}
        columns={[
          { title: t('notifications.admin.date'), dataIndex: 'date', width: 150, render: (d: string) => `${d} ${t(`notifications.admin.weekdays.${weekday(d)}`)}` },
          { title: t('notifications.admin.dayKind'), key: 'kind', width: 120, render: (_, d) => {
            const k = dayKind(d);
            return <Tag color={KIND_COLORS[k]}>{t(`notifications.admin.dayKinds.${k}`)}</Tag>;
          } },
          { title: t('notifications.admin.holiday'), key: 'name', width: 140, render: (_, d) => (locale === 'zh-CN' ? d.name : d.name_en || d.name) || '—' },
          { title: t('notifications.admin.note'), dataIndex: 'note', ellipsis: true },
          { title: '', key: 'remove', width: 90, render: (_, d) => d.source === 'company' && (
            <Popconfirm title={t('notifications.admin.removeOverride')} onConfirm={async () => {
              try { await removeDay.mutateAsync(d.date); feedback.ok(t('notifications.admin.overrideRemoved')); } catch (err) { feedback.fail(err); }
            }}>
              <Button size="small" danger>{t('common.remove')}</Button>
            </Popconfirm>
          ) },
        ]} />
    </div>
  );
}
