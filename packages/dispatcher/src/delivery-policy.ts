/** How the dispatcher delivers; every field has a default (defaultDeliveryPolicy). */
export interface DeliveryPolicy {
  /** How long a device has to answer a command request. */
  readonly requestTimeoutMs: number;
  /** First and longest wait before trying a device that did not answer again. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** A device with no subscriber is tried again when seen, or at the latest after this. */
  readonly offlineRecheckMs: number;
  /** Most command requests awaiting an answer at once, across devices. */
  readonly maxInFlight: number;
}

/** The delivery policy's defaults. */
export const defaultDeliveryPolicy: DeliveryPolicy = {
  requestTimeoutMs: 5_000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  offlineRecheckMs: 30_000,
  maxInFlight: 256,
};

/** `policy` with the defaults filled in for what it leaves out. */
export function deliveryPolicy(policy: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return {
    requestTimeoutMs: policy.requestTimeoutMs ?? defaultDeliveryPolicy.requestTimeoutMs,
    retryInitialMs: policy.retryInitialMs ?? defaultDeliveryPolicy.retryInitialMs,
    retryMaxMs: policy.retryMaxMs ?? defaultDeliveryPolicy.retryMaxMs,
    offlineRecheckMs: policy.offlineRecheckMs ?? defaultDeliveryPolicy.offlineRecheckMs,
    maxInFlight: policy.maxInFlight ?? defaultDeliveryPolicy.maxInFlight,
  };
}
