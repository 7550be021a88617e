import sanitizeHtml from 'sanitize-html';

const COLOR = [/^#[0-9a-f]{3,8}$/i, /^[a-z]{3,20}$/i, /^rgba?\(\s*[\d.\s,%]+\)$/i];
const LENGTH = [/^-?\d+(\.\d+)?(px|pt|em|rem|%)?$/i];
const BOX = [/^(-?\d+(\.\d+)?(px|pt|em|rem|%)?\s*){1,4}$/i];

/**
 * Email HTML is hostile input shown inside the agent console: keep the formatting people rely on (tables,
 * inline colours, images), drop anything that runs or loads code (scripts, frames, forms, event handlers,
 * javascript: links, CSS). `cid:` image links are kept so the core can point them at the stored inline parts.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'img', 'font', 'center', 'span', 'div', 'u', 's', 'strike', 'sub', 'sup', 'hr', 'br', 'small', 'big',
  ],
  disallowedTagsMode: 'discard',
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'template'],
  allowedAttributes: {
    a: ['href', 'name', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    font: ['color', 'size', 'face'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
    tr: ['align', 'valign', 'bgcolor'],
    ol: ['start', 'type'],
    '*': ['style', 'dir', 'align', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles: {
    '*': {
      color: COLOR,
      'background-color': COLOR,
      'text-align': [/^(left|right|center|justify)$/i],
      'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i],
      'font-style': [/^(normal|italic|oblique)$/i],
      'text-decoration': [/^[a-z\s-]+$/i],
      'font-size': LENGTH,
      'font-family': [/^[\w\s,'"-]+$/],
      'line-height': LENGTH,
      width: LENGTH,
      height: LENGTH,
      margin: BOX,
      padding: BOX,
      border: [/^[\w\s#().,%-]+$/],
      'vertical-align': [/^[a-z-]+$/i],
      'white-space': [/^(normal|nowrap|pre|pre-wrap|pre-line)$/i],
    },
  },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
  },
};

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
