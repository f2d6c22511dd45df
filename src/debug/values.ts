// Decoded values as debugger variables: u64 exact (bigint as its decimal digits), bytes as text
// when they are printable UTF-8 plus hex, records and lists expandable.
// JSON.stringify escapes control characters, so actor text never reaches the UI raw.

export interface Variable {
  name: string;
  value: string;
  type?: string;
  variablesReference: number;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function bytesText(b: Uint8Array): string | undefined {
  try {
    const t = utf8Strict.decode(b);
    return /^[\P{Cc}\n\t\r]*$/u.test(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Hands out variablesReference numbers for expandable values; reset at every stop. */
export class VariableStore {
  private readonly children = new Map<number, () => Variable[]>();
  private next = 1;

  reset(): void {
    this.children.clear();
    this.next = 1;
  }

  add(expand: () => Variable[]): number {
    const ref = this.next++;
    this.children.set(ref, expand);
    return ref;
  }

  get(ref: number): Variable[] {
    return this.children.get(ref)?.() ?? [];
  }

  /** One named value, expandable when it has parts. */
  variable(name: string, v: unknown): Variable {
    if (typeof v === 'bigint') return { name, value: v.toString(), type: v < 0n ? 's64' : 'u64', variablesReference: 0 };
    if (v === null || v === undefined) return { name, value: v === null ? 'null' : '()', variablesReference: 0 };
    if (typeof v === 'string') return { name, value: JSON.stringify(v), type: 'string', variablesReference: 0 };
    if (typeof v === 'number' || typeof v === 'boolean') return { name, value: String(v), type: typeof v, variablesReference: 0 };
    if (v instanceof Uint8Array) {
      const text = bytesText(v);
      const value =
        text !== undefined
          ? `${JSON.stringify(text)} (${v.length} bytes)`
          : `0x${hex(v.subarray(0, 64))}${v.length > 64 ? '…' : ''} (${v.length} bytes)`;
      return {
        name,
        value,
        type: 'bytes',
        variablesReference: this.add(() => [
          ...(text !== undefined ? [{ name: 'text', value: JSON.stringify(text), type: 'string', variablesReference: 0 }] : []),
          { name: 'hex', value: hex(v), type: 'string', variablesReference: 0 },
          { name: 'length', value: String(v.length), type: 'u32', variablesReference: 0 },
        ]),
      };
    }
    if (Array.isArray(v)) {
      return {
        name,
        value: `list (${v.length})`,
        type: 'list',
        variablesReference: this.add(() => v.map((x, i) => this.variable(String(i), x))),
      };
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      return {
        name,
        value: `{${entries.map(([k]) => k).join(', ')}}`,
        type: 'record',
        variablesReference: this.add(() => entries.map(([k, x]) => this.variable(k, x))),
      };
    }
    return { name, value: String(v), variablesReference: 0 };
  }
}
