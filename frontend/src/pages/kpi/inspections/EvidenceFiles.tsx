/** An item's photos and files. They are served only with the bearer token (GET /api/kpi/files/{id}), so an
 * image is fetched and shown from a blob URL; other files download on click. */
import { useEffect, useState } from 'react';
import { Button, Image, Space } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import type { EvidenceFile } from '../../../api/inspections';
import { downloadWithToken } from '../../../api/download';
import { getAccessToken } from '../../../api/tokens';
import { requestLanguage } from '../../../api/client';

function Photo({ file }: { file: EvidenceFile }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let alive = true;
    void fetch(`${file.url}?inline=1`, { headers: { Authorization: `Bearer ${getAccessToken() ?? ''}`, 'Accept-Language': requestLanguage() } })
      .then((res) => (res.ok ? res.blob() : null))
      .then((blob) => {
        if (!blob || !alive) return;
        url = URL.createObjectURL(blob);
        setSrc(url);
      });
    return () => {
      alive = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file.url]);
  return <Image width={72} height={72} style={{ objectFit: 'cover', borderRadius: 4 }} src={src ?? undefined} alt={file.name} data-testid="evidence-photo" placeholder />;
}

export function EvidenceFiles({ files }: { files: EvidenceFile[] }) {
  if (files.length === 0) return null;
  return (
    <Space wrap size={8}>
      <Image.PreviewGroup>
        {files.filter((f) => f.content_type.startsWith('image/')).map((f) => <Photo key={f.id} file={f} />)}
      </Image.PreviewGroup>
      {files.filter((f) => !f.content_type.startsWith('image/')).map((f) => (
        <Button key={f.id} size="small" type="link" icon={<PaperClipOutlined />} onClick={() => void downloadWithToken(f.url, f.name)}>{f.name}</Button>
      ))}
    </Space>
  );
}
