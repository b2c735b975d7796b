import nodemailer, { type Transporter } from 'nodemailer';

/** nodemailer transport for RELAIS_SMTP_URL, or undefined when e-mail is not configured. */
export function createMailer(smtpUrl: string | undefined): Transporter | undefined {
  return smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
}
