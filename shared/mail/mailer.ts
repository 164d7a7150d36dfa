/**
 * The hub's e-mail, as a port: SES (v2) in AWS, SMTP in local mode (the local mailbox, see
 * `infra/local/mail-server.ts`). Which one is configuration only (`MAIL_SMTP_URL`, `MAIL_SENDER`).
 */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  /** Plain text: every message reads fully without HTML. */
  readonly text: string;
  readonly html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface MailSettings {
  /** The From address: a verified SES identity in AWS (the CDK setting `mailSender`). */
  readonly sender: string;
  /** Local mode: the loopback SMTP server's URL (`smtp://127.0.0.1:<port>`); unset in AWS, where SES sends. */
  readonly smtpUrl?: string;
}

/**
 * The configured mailer. Each transport is imported when first used, so a function bundles (and
 * loads) only the one it runs with in practice.
 */
export function createMailer(settings: MailSettings, region: string): Mailer {
  let transport: Promise<Mailer> | undefined;
  const load = async (): Promise<Mailer> => {
    if (settings.smtpUrl !== undefined) return (await import('./smtp.ts')).smtpMailer(settings.smtpUrl, settings.sender);
    return (await import('./ses.ts')).sesMailer(settings.sender, region);
  };
  return {
    async send(message) {
      transport ??= load();
      await (await transport).send(message);
    },
  };
}
