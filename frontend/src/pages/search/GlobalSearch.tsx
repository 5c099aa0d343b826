/** The header's search box: suggestions grouped by kind while typing (debounced), a suggestion opens its page,
 * Enter opens the search page with every hit. On a phone the header has room for an icon only, which opens
 * the search page. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { AutoComplete, Button, Input, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useSearch, type SearchHit } from '../../api/search';
import { useT } from '../../i18n';
import { orderedGroups, searchPath, searchable } from './hits';
import { HitLine } from './HitLine';

const SUGGESTIONS = 5; // of each kind
const DEBOUNCE_MS = 250;

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

type Option = { value: string; label: React.ReactNode; hit: SearchHit };

export function GlobalSearch({ compact }: { compact?: boolean }) {
  const { t } = useT();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), DEBOUNCE_MS);
  const search = useSearch(q, SUGGESTIONS);
  // Enter on a highlighted suggestion opens it; the input's own Enter must not open the search page as well
  const picked = useRef(false);
  const options = useMemo(() => {
    if (!searchable(q)) return [];
    return orderedGroups(search.data?.groups).map(([kind, hits]) => ({
      label: <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`search.kinds.${kind}`)}</Typography.Text>,
      options: hits.map((hit): Option => ({ value: `${hit.kind}:${hit.id}`, label: <HitLine hit={hit} compact />, hit })),
    }));
  }, [q, search.data, t]);

  if (compact) {
    return <Button type="text" icon={<SearchOutlined />} aria-label={t('search.label')} data-testid="global-search-open"
      onClick={() => navigate('/search')} />;
  }
  return (
    <AutoComplete
      value={text}
      onSearch={setText}
      onSelect={(_: string, option: object) => {
        const { hit } = option as Option;
        picked.current = true;
        setText('');
        navigate(hit.url);
      }}
      options={options}
      defaultActiveFirstOption={false}
      popupMatchSelectWidth={420}
      notFoundContent={searchable(q) && search.isSuccess && !search.isFetching ? t('search.nothing') : undefined}
      style={{ width: 240 }}
      data-testid="global-search"
    >
      <Input.Search
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        onSearch={(value) => {
          // after the suggestion's own handler, which runs on the same key press
          setTimeout(() => {
            if (picked.current) {
              picked.current = false;
              return;
            }
            if (searchable(value)) navigate(searchPath(value));
          }, 0);
        }}
      />
    </AutoComplete>
  );
}
