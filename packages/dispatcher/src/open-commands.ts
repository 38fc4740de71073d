import type { DeviceEvent } from "@uaip/events";

/** A command not yet in a final state, as the dispatcher needs it. */
export interface OpenCommand {
  readonly commandId: string;
  readonly deviceId: string;
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** When it expires (ms since the epoch). */
  readonly expiresAt: number;
  /** Highest delivery attempt made (recorded or, this session, tried). */
  attempts: number;
  /** Whether the device has it (delivered or acknowledged): it is not delivered again. */
  handedOver: boolean;
  /** The W3C traceparent its `command.issued` was appended under: deliveries continue that trace. */
  readonly traceparent?: string;
}

/** What an event did to the set. */
export type OpenCommandChange =
  | { readonly kind: "opened"; readonly command: OpenCommand }
  | { readonly kind: "handed-over"; readonly command: OpenCommand }
  | { readonly kind: "closed"; readonly command: OpenCommand; readonly state: string }
  | { readonly kind: "ignored" };

/** A row of the `commands` read model, as far as the dispatcher reads it. */
export interface OpenCommandRow {
  readonly commandId: string;
  readonly deviceId: string;
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: string;
  readonly attempts: number;
  readonly expiresAt: string;
}

/**
 * The commands still open, folded from the commands stream: `issued` opens one, `delivered`
 * and `acknowledged` mark it handed over, a final event (completed, failed, expired,
 * cancelled) closes it. Pure: no I/O, no timers; the dispatcher acts on the changes.
 *
 * @example
 * const open = new OpenCommands();
 * open.apply(issued);    // { kind: "opened", command }
 * open.apply(completed); // { kind: "closed", command, state: "completed" }
 */
export class OpenCommands {
  readonly #byId = new Map<string, OpenCommand>();

  /** Starts from the read model's open commands (issued, delivered, acknowledged). */
  load(rows: Iterable<OpenCommandRow>): OpenCommand[] {
    const added: OpenCommand[] = [];
    for (const r of rows) {
      const command: OpenCommand = {
        commandId: r.commandId,
        deviceId: r.deviceId,
        name: r.name,
        params: r.params,
        expiresAt: Date.parse(r.expiresAt),
        attempts: r.attempts,
        handedOver: r.state !== "issued",
      };
      this.#byId.set(command.commandId, command);
      added.push(command);
    }
    return added;
  }

  /** Folds one event; `traceparent`, the one it was stored with, is kept on an opened command. */
  apply(event: DeviceEvent, traceparent?: string): OpenCommandChange {
    switch (event.type) {
      case "command.issued": {
        if (this.#byId.has(event.data.commandId)) return { kind: "ignored" };
        const command: OpenCommand = {
          commandId: event.data.commandId,
          deviceId: event.deviceId,
          name: event.data.name,
          params: event.data.params,
          expiresAt: Date.parse(event.data.expiresAt),
          attempts: 0,
          handedOver: false,
          ...(traceparent ? { traceparent } : {}),
        };
        this.#byId.set(command.commandId, command);
        return { kind: "opened", command };
      }
      case "command.delivered":
      case "command.acknowledged": {
        const command = this.#byId.get(event.data.commandId);
        if (!command) return { kind: "ignored" };
        if (event.type === "command.delivered")
          command.attempts = Math.max(command.attempts, event.data.attempt);
        if (command.handedOver) return { kind: "ignored" };
        command.handedOver = true;
        return { kind: "handed-over", command };
      }
      case "command.completed":
      case "command.failed":
      case "command.expired":
      case "command.cancelled":
        return this.close(event.data.commandId, event.type.slice("command.".length));
      default:
        return { kind: "ignored" };
    }
  }

  /** Closes a command the dispatcher itself ended (before the log echoes it). */
  close(commandId: string, state: string): OpenCommandChange {
    const command = this.#byId.get(commandId);
    if (!command) return { kind: "ignored" };
    this.#byId.delete(commandId);
    return { kind: "closed", command, state };
  }

  get(commandId: string): OpenCommand | undefined {
    return this.#byId.get(commandId);
  }

  values(): IterableIterator<OpenCommand> {
    return this.#byId.values();
  }

  get size(): number {
    return this.#byId.size;
  }
}
