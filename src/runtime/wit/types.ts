// A small description language for component-model value types. Handlers declare their function
// signatures with it; the recorder uses it to turn jco's JS values into Theater's typed values
// (SerializableVal) and replay uses it to turn recorded values back into JS values.

export type WitType =
  | { kind: 'bool' }
  | { kind: 'u8' }
  | { kind: 'u16' }
  | { kind: 'u32' }
  | { kind: 'u64' }
  | { kind: 's8' }
  | { kind: 's16' }
  | { kind: 's32' }
  | { kind: 's64' }
  | { kind: 'f32' }
  | { kind: 'f64' }
  | { kind: 'char' }
  | { kind: 'string' }
  | { kind: 'list'; element: WitType }
  | { kind: 'option'; some: WitType }
  | { kind: 'result'; ok: WitType | null; err: WitType | null }
  | { kind: 'tuple'; items: WitType[] }
  | { kind: 'record'; name: string; fields: Array<[string, WitType]> }
  | { kind: 'variant'; name: string; cases: Array<[string, WitType | null]> }
  | { kind: 'enum'; name: string; cases: string[] }
  | { kind: 'flags'; name: string; flags: string[] }
  /** A resource handle; `own` for a returned/constructed resource, `borrow` for `self` and borrowed params. */
  | { kind: 'resource'; name: string; handle: 'own' | 'borrow' };

export const t = {
  bool: { kind: 'bool' } as WitType,
  u8: { kind: 'u8' } as WitType,
  u16: { kind: 'u16' } as WitType,
  u32: { kind: 'u32' } as WitType,
  u64: { kind: 'u64' } as WitType,
  s8: { kind: 's8' } as WitType,
  s16: { kind: 's16' } as WitType,
  s32: { kind: 's32' } as WitType,
  s64: { kind: 's64' } as WitType,
  f32: { kind: 'f32' } as WitType,
  f64: { kind: 'f64' } as WitType,
  char: { kind: 'char' } as WitType,
  string: { kind: 'string' } as WitType,
  list: (element: WitType): WitType => ({ kind: 'list', element }),
  option: (some: WitType): WitType => ({ kind: 'option', some }),
  result: (ok: WitType | null, err: WitType | null): WitType => ({ kind: 'result', ok, err }),
  tuple: (...items: WitType[]): WitType => ({ kind: 'tuple', items }),
  record: (name: string, fields: Array<[string, WitType]>): WitType => ({ kind: 'record', name, fields }),
  variant: (name: string, cases: Array<[string, WitType | null]>): WitType => ({ kind: 'variant', name, cases }),
  enum: (name: string, cases: string[]): WitType => ({ kind: 'enum', name, cases }),
  flags: (name: string, flags: string[]): WitType => ({ kind: 'flags', name, flags }),
  own: (name: string): WitType => ({ kind: 'resource', name, handle: 'own' }),
  borrow: (name: string): WitType => ({ kind: 'resource', name, handle: 'borrow' }),
};

/** Renders a type the way WIT source spells it (for hover and docs). */
export function witTypeToString(ty: WitType | null): string {
  if (ty === null) return '_';
  switch (ty.kind) {
    case 'list':
      return `list<${witTypeToString(ty.element)}>`;
    case 'option':
      return `option<${witTypeToString(ty.some)}>`;
    case 'result':
      if (ty.ok === null && ty.err === null) return 'result';
      return `result<${witTypeToString(ty.ok)}${ty.err === null ? '' : `, ${witTypeToString(ty.err)}`}>`;
    case 'tuple':
      return `tuple<${ty.items.map(witTypeToString).join(', ')}>`;
    case 'record':
    case 'variant':
    case 'enum':
    case 'flags':
      return ty.name;
    case 'resource':
      return ty.handle === 'borrow' ? `borrow<${ty.name}>` : ty.name;
    default:
      return ty.kind;
  }
}
