import { describe, expect, it } from 'vitest';
import { foldQuotedText } from './quote-folding';

const fold = (s: string) => foldQuotedText(s).text;

describe('foldQuotedText', () => {
  it('keeps a message without history untouched', () => {
    const r = foldQuotedText('Hello,\n\nmy order #123 has not arrived.\n\nThanks\nAnna');
    expect(r).toEqual({ text: 'Hello,\n\nmy order #123 has not arrived.\n\nThanks\nAnna', folded: false });
  });

  it('cuts Gmail-style "On ... wrote:" with quoted lines', () => {
    const body = 'Yes, that works for me.\n\nOn Mon, Jan 6, 2025 at 10:00 AM Support <support@example.com> wrote:\n> Could you confirm the address?\n>\n> Best, Support\n';
    expect(foldQuotedText(body)).toEqual({ text: 'Yes, that works for me.', folded: true });
  });

  it('recognises an attribution wrapped over two lines', () => {
    const body = 'Thanks!\n\nOn Mon, Jan 6, 2025 at 10:00 AM Parley Support <\nsupport@example.com> wrote:\n\n> old text\n';
    expect(fold(body)).toBe('Thanks!');
  });

  it('recognises translated attributions', () => {
    expect(fold('Danke!\n\nAm 06.01.2025 um 10:00 schrieb Support <support@example.com>:\n> alt')).toBe('Danke!');
    expect(fold('Merci\n\nLe lun. 6 janv. 2025 à 10:00, Support <support@example.com> a écrit :\n> ancien')).toBe('Merci');
    expect(fold('好的\n\n在 2025年1月6日 10:00，Support <support@example.com> 写道：\n> 旧内容')).toBe('好的');
  });

  it('does not mistake a sentence ending in "wrote:" for an attribution', () => {
    const body = 'On Monday my colleague wrote:\nthe invoice is wrong, please fix it.';
    expect(fold(body)).toBe(body);
  });

  it('removes a trailing block of "> " lines', () => {
    expect(foldQuotedText('New answer here.\n\n> previous message\n> more of it\n')).toEqual({ text: 'New answer here.', folded: true });
  });

  it('keeps inline (interleaved) replies whole, since the answers sit between the quotes', () => {
    const body = 'On Mon, Jan 6, 2025 at 10:00 AM Support <support@example.com> wrote:\n> Which colour?\nBlue.\n> Which size?\nM.';
    expect(fold(body)).toBe(body);
  });

  it('cuts Outlook "-----Original Message-----"', () => {
    const body = 'Please cancel it.\r\n\r\n-----Original Message-----\r\nFrom: Support <support@example.com>\r\nSent: Monday, January 6, 2025 10:00 AM\r\nTo: Anna\r\nSubject: Your order\r\n\r\nOld text';
    expect(fold(body)).toBe('Please cancel it.');
  });

  it('cuts an Outlook "From: ... Sent: ..." header block, with or without the underscore rule', () => {
    const plain = 'See attached.\n\nFrom: Support <support@example.com>\nSent: Monday, January 6, 2025 10:00\nTo: Anna <anna@example.org>\nSubject: RE: Invoice\n\nOld';
    expect(fold(plain)).toBe('See attached.');
    const ruled = 'See attached.\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday, January 6, 2025 10:00\nTo: Anna\nSubject: Invoice\n\nOld';
    expect(fold(ruled)).toBe('See attached.');
    const bold = 'Ok.\n\n*From:* Support <support@example.com>\n*Sent:* Monday, January 6, 2025 10:00\n*To:* Anna\n*Subject:* Invoice\n\nOld';
    expect(fold(bold)).toBe('Ok.');
    const german = 'Passt.\n\nVon: Support <support@example.com>\nGesendet: Montag, 6. Januar 2025 10:00\nAn: Anna\nBetreff: Rechnung\n\nAlt';
    expect(fold(german)).toBe('Passt.');
  });

  it('keeps a lone "From:" line that is not a header block', () => {
    const body = 'From: my account page I cannot change the address.\nPlease help.';
    expect(fold(body)).toBe(body);
  });

  it('removes the "-- " signature and mobile footers', () => {
    expect(foldQuotedText('Thanks for the quick help.\n\n-- \nAnna Example\nACME Corp\n+1 555 0100')).toEqual({ text: 'Thanks for the quick help.', folded: true });
    expect(fold('Thanks\n--\nAnna')).toBe('Thanks');
    expect(fold('Where is my parcel?\n\nSent from my iPhone')).toBe('Where is my parcel?');
  });

  it('combines: reply, signature and quoted history', () => {
    const body = 'It arrived, thanks!\n\n-- \nAnna\n\nOn Tue, Jan 7, 2025 at 9:00 AM Support <support@example.com> wrote:\n> It is on its way.\n';
    expect(fold(body)).toBe('It arrived, thanks!');
  });

  it('falls back to the whole text when nothing new is left', () => {
    const body = '> only a quote\n> nothing else';
    expect(foldQuotedText(body)).toEqual({ text: body, folded: false });
  });
});
