/** What a visitor may upload: images, PDF, plain text and office documents, 10 MB at most. */
export const VISITOR_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;

const EXT_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', log: 'text/plain',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation', rtf: 'application/rtf',
};
export const ALLOWED_UPLOAD_TYPES = new Set(Object.values(EXT_TYPES));

/** File signatures for the types a browser would render: the declared type alone is the uploader's word. */
function magicMatches(type: string, data: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  switch (type) {
    case 'image/png': return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg': return starts(0xff, 0xd8, 0xff);
    case 'image/gif': return data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a';
    case 'image/webp': return data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP';
    case 'application/pdf': return data.subarray(0, 5).toString('latin1') === '%PDF-';
    default: return true;
  }
}

export type UploadVerdict = { ok: true; contentType: string } | { ok: false; status: 400 | 413; error: string; message: string };

/**
 * The stored content type comes from the extension's allow-list (never a client type like text/html); a
 * declared type outside the list, or an image/PDF whose bytes say otherwise, is refused.
 */
export function checkUpload(file: { originalname: string; mimetype: string; size: number; buffer: Buffer }): UploadVerdict {
  if (file.size > VISITOR_UPLOAD_LIMIT_BYTES) return { ok: false, status: 413, error: 'too_large', message: 'files may be 10 MB at most' };
  if (file.size === 0) return { ok: false, status: 400, error: 'invalid_request', message: 'the file is empty' };
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.originalname)?.[1]?.toLowerCase() ?? '';
  const byExt = EXT_TYPES[ext];
  const declared = (file.mimetype || '').toLowerCase().split(';')[0].trim();
  const refused = { ok: false as const, status: 400 as const, error: 'invalid_request', message: 'this file type is not accepted: send an image, a PDF, a text file or an office document' };
  if (!byExt) return refused;
  if (declared && declared !== 'application/octet-stream' && declared !== byExt && !ALLOWED_UPLOAD_TYPES.has(declared)) return refused;
  if (!magicMatches(byExt, file.buffer)) return { ...refused, message: `the file's content does not match its .${ext} type` };
  return { ok: true, contentType: byExt };
}
