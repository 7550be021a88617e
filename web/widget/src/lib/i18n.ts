/** English and Simplified Chinese, chosen from the browser's languages. */
const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  newMessages: '{n} new messages',
  newMessage: '1 new message',
  title: 'Chat with us',
  online: 'We are online',
  away: 'We are away',
  defaultGreeting: 'Hi! How can we help you today?',
  defaultAway: 'Nobody is online right now. Leave a message and we will get back to you.',
  leaveEmail: 'Leave your email so we can reply',
  emailLabel: 'Email',
  nameLabel: 'Name',
  save: 'Save',
  saved: 'Thanks! We will reply to {email}.',
  prechatIntro: 'Tell us who you are, and we will get started.',
  startChat: 'Start chat',
  required: 'Required',
  invalidEmail: 'Enter a valid email address',
  messageLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  attach: 'Attach a file',
  removeFile: 'Remove {name}',
  uploading: 'Uploading…',
  you: 'You',
  youSaid: 'You said:',
  agentSaid: '{name} said:',
  agent: 'Support',
  sending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not sent',
  retry: 'Retry',
  typing: '{name} is typing…',
  someoneTyping: 'Someone is typing…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  unavailable: 'Chat is not available on this page.',
  fileTooLarge: '{name} is larger than 10 MB',
  fileType: '{name}: this file type is not accepted',
  tooManyFiles: 'You can attach up to 5 files',
  uploadFailed: 'Could not upload {name}',
  attachment: 'Attachment',
  poweredBy: 'Powered by Parley',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  openChat: '打开聊天',
  closeChat: '关闭聊天',
  newMessages: '{n} 条新消息',
  newMessage: '1 条新消息',
  title: '在线咨询',
  online: '客服在线',
  away: '客服暂时离开',
  defaultGreeting: '您好！请问有什么可以帮您？',
  defaultAway: '目前没有客服在线。请留言，我们会尽快回复您。',
  leaveEmail: '留下邮箱，方便我们回复您',
  emailLabel: '邮箱',
  nameLabel: '姓名',
  save: '保存',
  saved: '谢谢！我们会回复到 {email}。',
  prechatIntro: '请先告诉我们您是谁，然后开始聊天。',
  startChat: '开始聊天',
  required: '必填',
  invalidEmail: '请输入有效的邮箱地址',
  messageLabel: '消息',
  placeholder: '输入消息…',
  send: '发送',
  attach: '添加附件',
  removeFile: '移除 {name}',
  uploading: '上传中…',
  you: '我',
  youSaid: '我说：',
  agentSaid: '{name} 说：',
  agent: '客服',
  sending: '发送中…',
  sent: '已发送',
  delivered: '已送达',
  failed: '发送失败',
  retry: '重试',
  typing: '{name} 正在输入…',
  someoneTyping: '对方正在输入…',
  connecting: '正在连接…',
  reconnecting: '连接已断开，正在重新连接…',
  unavailable: '此页面无法使用在线聊天。',
  fileTooLarge: '{name} 超过 10 MB',
  fileType: '{name}：不支持此文件类型',
  tooManyFiles: '最多可添加 5 个附件',
  uploadFailed: '无法上传 {name}',
  attachment: '附件',
  poweredBy: '由 Parley 提供支持',
};

export type Lang = 'en' | 'zh';

export function pickLang(languages: readonly string[] | undefined): Lang {
  for (const tag of languages ?? []) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict: Record<MessageKey, string> = lang === 'zh' ? zh : en;
  return (key, params) => {
    const s = dict[key] ?? en[key];
    return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : s;
  };
}
