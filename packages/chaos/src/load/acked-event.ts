/** One event JetStream acknowledged: where it says it stored it, and under which msg id. */
export interface AckedEvent {
  readonly msgId: string;
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly type: string;
  readonly deviceId: string;
  /** The stream had it already (a resend after a lost ack). */
  readonly duplicate: boolean;
  /** When the ack arrived (ms since the epoch). */
  readonly ackedAt: number;
}
