// Field paths and field errors, as k8s.io/apimachinery/pkg/util/validation/field.

/** An immutable path into an object, rendered `spec.ports[1].name` / `metadata.labels[app]`. */
export class FieldPath {
  private constructor(private readonly parts: readonly string[]) {}

  static root(name: string, ...more: string[]): FieldPath {
    return new FieldPath(
      [name, ...more].filter((p) => p !== '').map((p, i) => (i === 0 ? p : `.${p}`)),
    );
  }

  child(name: string, ...more: string[]): FieldPath {
    return new FieldPath([...this.parts, ...[name, ...more].map((p) => `.${p}`)]);
  }

  index(i: number): FieldPath {
    return new FieldPath([...this.parts, `[${i}]`]);
  }

  key(k: string): FieldPath {
    return new FieldPath([...this.parts, `[${k}]`]);
  }

  toString(): string {
    return this.parts.join('');
  }
}

export function fieldPath(name: string, ...more: string[]): FieldPath {
  return FieldPath.root(name, ...more);
}

export const FieldErrorType = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  NotFound: 'FieldValueNotFound',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const typeStrings: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

/**
 * How a bad value is printed: Go's `%v` for numbers and booleans, `%q` for a Go string,
 * JSON for everything else. `goString` marks values that are named string types in Go
 * (printed as JSON, which for a plain string looks the same as %q except for escapes).
 */
export type BadValue = string | number | boolean | null | undefined | object;

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue?: BadValue;
  readonly detail: string;
}

function withValue(t: FieldErrorType): boolean {
  return (
    t === FieldErrorType.Invalid ||
    t === FieldErrorType.NotSupported ||
    t === FieldErrorType.Duplicate ||
    t === FieldErrorType.NotFound ||
    t === FieldErrorType.TooMany
  );
}

/** Go's %q for an ASCII/UTF-8 string: JSON escaping is a close match for printable input. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function formatValue(v: BadValue): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return goQuote(v);
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(v);
}

/** `ErrorBody()`: the message without the field prefix, as it appears in a Status cause. */
export function errorBody(e: FieldError): string {
  let s = typeStrings[e.type];
  if (withValue(e.type)) s += `: ${formatValue(e.badValue)}`;
  if (e.detail !== '') s += `: ${e.detail}`;
  return s;
}

/** `Error()`: `<field>: <body>`. */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

const mk =
  (type: FieldErrorType) =>
  (path: FieldPath | string, badValue: BadValue, detail = ''): FieldError => ({
    type,
    field: String(path),
    badValue,
    detail,
  });

export const fieldErrors = {
  required: (path: FieldPath | string, detail = ''): FieldError => ({
    type: FieldErrorType.Required,
    field: String(path),
    detail,
  }),
  forbidden: (path: FieldPath | string, detail = ''): FieldError => ({
    type: FieldErrorType.Forbidden,
    field: String(path),
    detail,
  }),
  tooLong: (path: FieldPath | string, detail = ''): FieldError => ({
    type: FieldErrorType.TooLong,
    field: String(path),
    detail,
  }),
  internal: (path: FieldPath | string, detail: string): FieldError => ({
    type: FieldErrorType.Internal,
    field: String(path),
    detail,
  }),
  invalid: mk(FieldErrorType.Invalid),
  duplicate: (path: FieldPath | string, badValue: BadValue): FieldError => ({
    type: FieldErrorType.Duplicate,
    field: String(path),
    badValue,
    detail: '',
  }),
  notFound: (path: FieldPath | string, badValue: BadValue): FieldError => ({
    type: FieldErrorType.NotFound,
    field: String(path),
    badValue,
    detail: '',
  }),
  /** `supported` is printed quoted and joined in the order given (upstream sorts first). */
  notSupported: (
    path: FieldPath | string,
    badValue: BadValue,
    supported: readonly string[],
  ): FieldError => ({
    type: FieldErrorType.NotSupported,
    field: String(path),
    badValue,
    detail: supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '',
  }),
  tooMany: mk(FieldErrorType.TooMany),
};
