import { describe, expect, it } from 'vitest';
import { checkUpload, VISITOR_UPLOAD_LIMIT_BYTES } from './upload-policy';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const file = (originalname: string, mimetype: string, buffer: Buffer, size = buffer.length) => ({ originalname, mimetype, buffer, size });

describe('checkUpload', () => {
  it('accepts images, PDFs, text and office files, typed by their extension', () => {
    expect(checkUpload(file('a.PNG', 'image/png', png))).toEqual({ ok: true, contentType: 'image/png' });
    expect(checkUpload(file('a.pdf', 'application/pdf', Buffer.from('%PDF-1.7')))).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(checkUpload(file('notes.txt', 'text/plain', Buffer.from('hi')))).toMatchObject({ ok: true, contentType: 'text/plain' });
    expect(checkUpload(file('q.docx', 'application/octet-stream', Buffer.from('PK')))).toMatchObject({ ok: true });
  });

  it('refuses HTML, SVG, executables and disguised files', () => {
    expect(checkUpload(file('x.html', 'text/html', Buffer.from('<script>')))).toMatchObject({ ok: false, status: 400 });
    expect(checkUpload(file('x.svg', 'image/svg+xml', Buffer.from('<svg/>')))).toMatchObject({ ok: false, status: 400 });
    expect(checkUpload(file('x.exe', 'application/octet-stream', Buffer.from('MZ')))).toMatchObject({ ok: false, status: 400 });
    expect(checkUpload(file('x.png', 'image/png', Buffer.from('<svg onload=alert(1)>')))).toMatchObject({ ok: false, status: 400 });
    expect(checkUpload(file('x.txt', 'text/html', Buffer.from('<b>')))).toMatchObject({ ok: false, status: 400 });
    expect(checkUpload(file('noext', 'image/png', png))).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses files over 10 MB with 413 and empty files with 400', () => {
    expect(checkUpload(file('a.pdf', 'application/pdf', Buffer.from('%PDF-'), VISITOR_UPLOAD_LIMIT_BYTES + 1))).toMatchObject({ ok: false, status: 413, error: 'too_large' });
    expect(checkUpload(file('a.txt', 'text/plain', Buffer.alloc(0)))).toMatchObject({ ok: false, status: 400 });
  });
});
