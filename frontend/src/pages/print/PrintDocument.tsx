/** The frame every print view shares: a toolbar on screen (print / save as PDF, back), and the sheet
 * in the layout an operations department files — the issuer's masthead in red with the reference
 * number (文号), the title, numbered sections and tables, the 签发 / 审核 lines, the issuing unit
 * and date, and the record line (印发). PDF is the browser's own "save as PDF" of this page. */
import { useEffect, type ReactNode } from 'react';
import { Button, Space } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useUnitTree } from '../../api/org';
import { QueryState } from '../../components/common';
import { useT } from '../../i18n';
import { cssString, docDate, sectionNumber } from './printText';
import './print.css';

export type Signature = { label: string; name?: string | null };

/** The company's name (the root of the org tree the reader sees), for the masthead. */
export function useCompanyName(): string {
  const tree = useUnitTree();
  return tree.data?.[0]?.name ?? '';
}

export function PrintDocument({ loading, error, title, subtitle, docNo, issuer, date, signatures, record, children }: {
  loading: boolean; error: unknown; title: string; subtitle?: ReactNode; docNo?: string; issuer: string;
  date?: string | Date | null; signatures?: Signature[]; record?: { left: string; right: string }; children?: ReactNode;
}) {
  const { t, locale } = useT();
  const company = useCompanyName();
  const ready = !loading && !error;
  useEffect(() => {
    // the browser names the PDF after the page title
    if (!ready || !title) return undefined;
    const before = document.title;
    document.title = docNo ? `${title}（${docNo}）` : title;
    return () => { document.title = before; };
  }, [ready, title, docNo]);
  const when = docDate(date ?? new Date(), locale);
  return (
    <div className="print-desk">
      <div className="print-toolbar" role="toolbar" aria-label={t('print.toolbar')}>
        <Space wrap>
          <Button type="primary" icon={<PrinterOutlined />} disabled={!ready} onClick={() => window.print()}>{t('print.print')}</Button>
          <Button onClick={() => (window.opener ? window.close() : window.history.back())}>{t('print.close')}</Button>
        </Space>
        <span className="print-hint">{t('print.pdfHint')}</span>
      </div>
      <div className="print-sheet">
        <QueryState loading={loading} error={error}>
          {ready && (
            <article className="print-doc" data-testid="print-doc">
              {/* the running header on every page: the document's number or title */}
              <style>{`@page { @top-right { content: ${cssString(docNo || title)}; font-size: 8pt; color: #666; } }`}</style>
              <header className="print-masthead">
                <div className="print-issuer">{company || issuer}</div>
                {docNo && <div className="print-docno" data-testid="print-docno">{docNo}</div>}
              </header>
              <h1 data-testid="print-title">{title}</h1>
              {subtitle && <div className="print-subtitle">{subtitle}</div>}
              {children}
              {signatures && signatures.length > 0 && (
                <div className="print-signatures">
                  {signatures.map((s) => (
                    <div className="print-sign" key={s.label}>{s.label}{t('print.colon')}<span className="print-sign-line">{s.name || ''}</span></div>
                  ))}
                </div>
              )}
              <div className="print-closing">
                <div data-testid="print-issuer">{issuer}</div>
                <div>{when}</div>
              </div>
              <footer className="print-record">
                <span>{record?.left ?? t('print.printedBy', { unit: issuer })}</span>
                <span>{record?.right ?? t('print.printedOn', { date: docDate(new Date(), locale) })}</span>
              </footer>
            </article>
          )}
        </QueryState>
      </div>
    </div>
  );
}

/** A numbered section: 一、业务目标. */
export function Section({ n, title, children }: { n: number; title: string; children: ReactNode }) {
  const { locale } = useT();
  return (
    <section>
      <h2>{sectionNumber(n, locale)}{title}</h2>
      {children}
    </section>
  );
}

export type Column<R> = { title: string; render: (row: R, index: number) => ReactNode; className?: string; width?: string };

/** A numbered table (表1 …) with a 序号 column, its header repeated on every page. */
export function PrintTable<R>({ n, caption, columns, rows, empty, footer, testId }: {
  n: number; caption: string; columns: Column<R>[]; rows: R[]; empty?: string; footer?: ReactNode; testId?: string;
}) {
  const { t } = useT();
  return (
    <table className="print-table" data-testid={testId}>
      <caption>{t('print.tableN', { n })} {caption}</caption>
      <thead>
        <tr>
          <th style={{ width: '2.6em' }}>{t('print.seq')}</th>
          {columns.map((c) => <th key={c.title} style={c.width ? { width: c.width } : undefined}>{c.title}</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr><td className="center" colSpan={columns.length + 1}>{empty ?? t('print.none')}</td></tr>
        ) : rows.map((r, i) => (
          <tr key={i}>
            <td className="center">{i + 1}</td>
            {columns.map((c) => <td key={c.title} className={c.className}>{c.render(r, i)}</td>)}
          </tr>
        ))}
      </tbody>
      {footer && <tfoot><tr><td colSpan={columns.length + 1}>{footer}</td></tr></tfoot>}
    </table>
  );
}

/** Label–value pairs under the title (编制单位, 计划期间, …), two to a line. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="print-facts">
      {items.map(([k, v]) => [<dt key={`k-${k}`}>{k}</dt>, <dd key={`v-${k}`}>{v}</dd>])}
    </dl>
  );
}

/** A paragraph of free text (指导方针, 风险应对), or a muted dash when empty. */
export function Text({ value, empty }: { value?: string | null; empty: string }) {
  return value ? <div className="print-text">{value}</div> : <div className="print-text print-muted">{empty}</div>;
}
