/**
 * Delivery channels. Email goes through nodemailer over SMTP; SMS through a provider interface
 * (an HTTP gateway in production, a local fake in tests); in-app lives in Postgres (see
 * notification.service.ts) and is pushed live with Postgres NOTIFY.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable Message-ID header: the notification id, so a resend is recognisable. */
  messageId: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
  close?(): void;
}

export function createSmtpEmailSender(smtpUrl: string, from: string): EmailSender {
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
      });
    },
    close: () => transport.close(),
  };
}

export interface SmsMessage {
  to: string;
  text: string;
  /** Idempotency key for the gateway: the notification id. */
  reference: string;
}

export interface SmsProvider {
  send(message: SmsMessage): Promise<void>;
}

/** A JSON-over-HTTP SMS gateway: POST {to, text, reference}; any 2xx is success. */
export function createHttpSmsProvider(url: string, timeoutMs = 5000): SmsProvider {
  return {
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': m.reference },
        body: JSON.stringify(m),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`sms gateway answered ${res.status}`);
    },
  };
}
