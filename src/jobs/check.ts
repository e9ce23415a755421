/* One line of `t2a doctor`: what it looked at, whether it is fine, and the fix. */

/**
 * What a check looked at: the store and log on this machine, reaching a server, logging in, rights,
 * analytics age, a job's references and validation, its indicators, SMTP.
 */
export type CheckKind =
  | 'store'
  | 'log'
  | 'reach'
  | 'login'
  | 'rights'
  | 'analytics'
  | 'job'
  | 'indicators'
  | 'smtp';

export interface Check {
  readonly kind: CheckKind;
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string | undefined;
}
