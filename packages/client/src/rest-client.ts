// REST client for the svclab apiserver (client-go rest + typed clientsets, generated from the
// `Resources` register). Non-2xx answers always surface as StatusError.
import type {
  DeleteOptions,
  KubeObject,
  ResourceInfo,
  ResourceName,
  Status,
  StatusReason,
} from '@svclab/api';
import { resourcePath, Resources } from '@svclab/api';
import { isStatusError, newTimeout, StatusError } from '@svclab/apimachinery';
import { traceparentOf } from '@svclab/telemetry';
import { decodeMetadata, type WrittenObject } from './decode-metadata.js';
import { HttpTransport } from './http-transport.js';
import type { WatchEvent } from './list-watch.js';
import type { ResourceTypes } from './resource-types.js';

export interface ClientConfig {
  /** Base URL, e.g. `http://127.0.0.1:6443`. */
  readonly server: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly userAgent?: string;
  /** Per-request timeout, ms (not applied to watches); default 30 s. */
  readonly timeoutMs?: number;
  /** For tests: a fetch implementation for every request; default node:http(s) with keep-alive, and global fetch for watch streams. */
  readonly fetch?: typeof fetch;
}

/** `APISERVER_URL` (default http://127.0.0.1:6443) and `SVCLAB_TOKEN`. */
export function configFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  userAgent?: string,
): ClientConfig {
  const token = env['SVCLAB_TOKEN'];
  return {
    server: env['APISERVER_URL'] ?? 'http://127.0.0.1:6443',
    ...(token === undefined || token === '' ? {} : { token }),
    ...(userAgent === undefined ? {} : { userAgent }),
  };
}

/** Patch types; values are the Content-Types (apimachinery types.PatchType). */
export const PatchType = {
  JSONPatch: 'application/json-patch+json',
  MergePatch: 'application/merge-patch+json',
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  ApplyPatch: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/** A patch body and its type. */
export interface Patch {
  readonly type: PatchType;
  readonly data: unknown;
}

export interface RequestOptions {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path, e.g. `/api/v1/namespaces/ns/services`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Default application/json when there is a body. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Overrides the config's timeout; 0 disables. */
  readonly timeoutMs?: number;
}

const reasonForCode: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A StatusError for a response whose body is not a Status (client-go NewGenericServerResponse). */
export function statusErrorFromResponse(code: number, body: string): StatusError {
  const reason: StatusReason = reasonForCode[code] ?? '';
  const snippet = body.trim().slice(0, 200);
  const message =
    code === 404
      ? 'the server could not find the requested resource'
      : `an error on the server (${JSON.stringify(snippet === '' ? 'unknown' : snippet)}) has prevented the request from succeeding`;
  const status: Status = {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    code,
    reason,
    message,
  };
  return new StatusError(status);
}

function isStatusBody(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** Raw HTTP to the apiserver: auth, user agent, traceparent, timeouts, Status decoding. */
/** Method, headers, body and signal of a prepared request, as both transports take them. */
function requestInit(
  req: RequestOptions,
  p: {
    headers: Record<string, string>;
    body?: string | undefined;
    signal?: AbortSignal | undefined;
  },
): { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal } {
  return {
    method: req.method,
    headers: p.headers,
    ...(p.body === undefined ? {} : { body: p.body }),
    ...(p.signal === undefined ? {} : { signal: p.signal }),
  };
}

export class RESTClient {
  private readonly fetchFn: typeof fetch;
  private readonly transport = new HttpTransport();

  constructor(readonly config: ClientConfig) {
    this.fetchFn = config.fetch ?? fetch;
  }

  /** Sends the request and decodes the JSON answer; non-2xx rejects with StatusError. */
  async request<T>(req: RequestOptions): Promise<T> {
    const { status, text } = await this.exchange(req);
    if (status < 200 || status > 299) throw this.decodeError(status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * As `request`, for a write whose caller needs only the stored object's metadata: resolves to
   * `{ metadata }` without decoding the rest of the answer (see decodeMetadata).
   */
  async requestMetadata(req: RequestOptions): Promise<WrittenObject> {
    const { status, text } = await this.exchange(req);
    if (status < 200 || status > 299) throw this.decodeError(status, text);
    return decodeMetadata(text);
  }

  /** Sends the request and returns the streaming response (2xx only); for watches. */
  async stream(req: RequestOptions): Promise<Response> {
    const res = await this.send({ ...req, timeoutMs: req.timeoutMs ?? 0 });
    if (!res.ok) throw this.decodeError(res.status, await res.text());
    return res;
  }

  private decodeError(code: number, text: string): StatusError {
    try {
      const body: unknown = JSON.parse(text);
      if (isStatusBody(body)) return new StatusError({ ...body, code: body.code ?? code });
    } catch {
      // not JSON
    }
    return statusErrorFromResponse(code, text);
  }

  /** The request as URL, headers, body and signals (the caller's and the timeout's). */
  private prepare(req: RequestOptions, timer: 'signal' | 'cleared' = 'signal'): Prepared {
    const url = new URL(req.path, this.config.server);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.token !== undefined) headers['authorization'] = `Bearer ${this.config.token}`;
    if (this.config.userAgent !== undefined) headers['user-agent'] = this.config.userAgent;
    const tp = traceparentOf();
    if (tp !== undefined) headers['traceparent'] = tp;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    }
    const timeoutMs = req.timeoutMs ?? this.config.timeoutMs ?? 30_000;
    let timeout: AbortSignal | undefined;
    let clearTimer = noop;
    if (timeoutMs > 0 && timer === 'cleared') {
      // The same abort as AbortSignal.timeout, on a timer cleared once the answer is in (a
      // timeout signal costs ~10x more to create and keeps its timer for the whole timeoutMs).
      const ac = new AbortController();
      const t = setTimeout(() => {
        ac.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, timeoutMs);
      t.unref();
      timeout = ac.signal;
      clearTimer = () => {
        clearTimeout(t);
      };
    } else if (timeoutMs > 0) {
      timeout = AbortSignal.timeout(timeoutMs);
    }
    const signals = [req.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal =
      signals.length === 0
        ? undefined
        : signals.length === 1
          ? signals[0]
          : AbortSignal.any(signals);
    return { url, headers, body, signal, timeout, timeoutMs, clearTimer };
  }

  /** A client-side timeout becomes a Timeout StatusError; other failures pass through. */
  private timeoutOr(p: Prepared, req: RequestOptions, err: unknown): unknown {
    if (p.timeout?.aborted === true && req.signal?.aborted !== true) {
      return new StatusError(
        newTimeout(`${req.method} ${p.url.pathname}: client timeout after ${p.timeoutMs}ms`).status,
        { cause: err },
      );
    }
    return err;
  }

  /** One whole request/response: node:http with keep-alive, or the injected fetch (tests). */
  private async exchange(req: RequestOptions): Promise<{ status: number; text: string }> {
    if (this.config.fetch !== undefined) {
      const res = await this.send(req);
      return { status: res.status, text: await res.text() };
    }
    // The transport resolves with the whole body: its timer can be cleared then.
    const p = this.prepare(req, 'cleared');
    try {
      return await this.transport.send(p.url, requestInit(req, p));
    } catch (err) {
      throw this.timeoutOr(p, req, err);
    } finally {
      p.clearTimer();
    }
  }

  private async send(req: RequestOptions): Promise<Response> {
    const p = this.prepare(req);
    try {
      return await this.fetchFn(p.url, requestInit(req, p));
    } catch (err) {
      throw this.timeoutOr(p, req, err);
    }
  }
}

interface Prepared {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly timeout: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** Stops the timeout's timer (a no-op for AbortSignal.timeout, which stops itself). */
  readonly clearTimer: () => void;
}

const noop = (): void => undefined;

export interface GetOptions {
  readonly signal?: AbortSignal;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly signal?: AbortSignal;
}

export interface CreateOptions {
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly signal?: AbortSignal;
}

export type UpdateOptions = CreateOptions;

/**
 * Create/update options for a caller that needs only the stored object's metadata back
 * (resourceVersion, generation, uid, name): the answer's other fields are not decoded.
 */
export interface MetadataResultOptions extends CreateOptions {
  readonly result: 'metadata';
}

export interface PatchOptions extends CreateOptions {
  /** e.g. `status`. */
  readonly subresource?: string;
  /** Server-side apply only. */
  readonly force?: boolean;
}

export interface DeleteCallOptions extends DeleteOptions {
  readonly signal?: AbortSignal;
}

export interface WatchCallOptions {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly signal?: AbortSignal;
}

/** A list answer: the items plus the list's resourceVersion. */
export interface ObjectList<T> {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items: T[];
}

/** CRUD for one resource in one namespace (or cluster-wide); errors are StatusError. */
export interface TypedClient<T extends KubeObject> {
  readonly info: ResourceInfo;
  /** The namespace this client is bound to; undefined = all namespaces / cluster-scoped. */
  readonly ns: string | undefined;
  get(name: string, opts?: GetOptions): Promise<T>;
  list(opts?: ListOptions): Promise<ObjectList<T>>;
  /** Namespace: the client's, else `obj.metadata.namespace`. `result: 'metadata'`: only `{ metadata }` back. */
  create(obj: T, opts: MetadataResultOptions): Promise<WrittenObject>;
  create(obj: T, opts?: CreateOptions): Promise<T>;
  /** Conflict-safe when `obj.metadata.resourceVersion` is set. `result: 'metadata'`: only `{ metadata }` back. */
  update(obj: T, opts: MetadataResultOptions): Promise<WrittenObject>;
  update(obj: T, opts?: UpdateOptions): Promise<T>;
  updateStatus(obj: T, opts?: UpdateOptions): Promise<T>;
  /** `patch.data` is sent as-is (a string) or JSON-encoded, with `patch.type` as Content-Type. */
  patch(name: string, patch: Patch, opts?: PatchOptions): Promise<T>;
  delete(name: string, opts?: DeleteCallOptions): Promise<void>;
  deleteCollection(opts?: DeleteCallOptions, listOpts?: ListOptions): Promise<void>;
  /** HTTP watch (`?watch=true`); an ERROR event rejects the iteration with its StatusError. */
  watch(opts?: WatchCallOptions): AsyncIterable<WatchEvent<T>>;
}

/** A TypedClient plus `namespace(ns)` to bind a namespace. */
export interface ResourceClient<T extends KubeObject> extends TypedClient<T> {
  namespace(ns: string): TypedClient<T>;
}

/** The clientset: one typed client per registered resource. */
export interface ClientSet {
  readonly rest: RESTClient;
  resource<R extends ResourceName>(resource: R): ResourceClient<ResourceTypes[R]>;
}

function listQuery(o: ListOptions | undefined): RequestOptions['query'] {
  return {
    labelSelector: o?.labelSelector,
    fieldSelector: o?.fieldSelector,
    limit: o?.limit,
    continue: o?.continue,
    resourceVersion: o?.resourceVersion,
  };
}

function writeQuery(o: CreateOptions | undefined): RequestOptions['query'] {
  return { dryRun: o?.dryRun === true ? 'All' : undefined, fieldManager: o?.fieldManager };
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

class TypedRESTClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly rest: RESTClient,
    readonly info: ResourceInfo,
    readonly ns: string | undefined,
  ) {}

  namespace(ns: string): TypedClient<T> {
    return new TypedRESTClient<T>(this.rest, this.info, ns);
  }

  private collection(ns: string | undefined = this.ns): string {
    return resourcePath(this.info, this.info.namespaced ? ns : undefined);
  }

  private item(name: string, ns?: string): string {
    return `${this.collection(ns ?? this.ns)}/${encodeURIComponent(name)}`;
  }

  private nsOf(obj: T): string | undefined {
    return this.ns ?? obj.metadata.namespace;
  }

  get(name: string, opts?: GetOptions): Promise<T> {
    return this.rest.request<T>({
      method: 'GET',
      path: this.item(name),
      ...withSignal(opts?.signal),
    });
  }

  async list(opts?: ListOptions): Promise<ObjectList<T>> {
    const l = await this.rest.request<ObjectList<T> | undefined>({
      method: 'GET',
      path: this.collection(),
      query: listQuery(opts),
      ...withSignal(opts?.signal),
    });
    return { ...l, metadata: l?.metadata ?? {}, items: l?.items ?? [] };
  }

  create(obj: T, opts: MetadataResultOptions): Promise<WrittenObject>;
  create(obj: T, opts?: CreateOptions): Promise<T>;
  create(
    obj: T,
    opts?: CreateOptions & { readonly result?: 'metadata' },
  ): Promise<T | WrittenObject> {
    const req: RequestOptions = {
      method: 'POST',
      path: this.collection(this.nsOf(obj)),
      body: obj,
      query: writeQuery(opts),
      ...withSignal(opts?.signal),
    };
    return opts?.result === 'metadata' ? this.rest.requestMetadata(req) : this.rest.request<T>(req);
  }

  update(obj: T, opts: MetadataResultOptions): Promise<WrittenObject>;
  update(obj: T, opts?: UpdateOptions): Promise<T>;
  update(
    obj: T,
    opts?: UpdateOptions & { readonly result?: 'metadata' },
  ): Promise<T | WrittenObject> {
    const req: RequestOptions = {
      method: 'PUT',
      path: this.item(obj.metadata.name ?? '', this.nsOf(obj)),
      body: obj,
      query: writeQuery(opts),
      ...withSignal(opts?.signal),
    };
    return opts?.result === 'metadata' ? this.rest.requestMetadata(req) : this.rest.request<T>(req);
  }

  updateStatus(obj: T, opts?: UpdateOptions): Promise<T> {
    return this.rest.request<T>({
      method: 'PUT',
      path: `${this.item(obj.metadata.name ?? '', this.nsOf(obj))}/status`,
      body: obj,
      query: writeQuery(opts),
      ...withSignal(opts?.signal),
    });
  }

  patch(name: string, patch: Patch, opts?: PatchOptions): Promise<T> {
    const path =
      opts?.subresource === undefined ? this.item(name) : `${this.item(name)}/${opts.subresource}`;
    return this.rest.request<T>({
      method: 'PATCH',
      path,
      body: patch.data,
      contentType: patch.type,
      query: { ...writeQuery(opts), force: opts?.force },
      ...withSignal(opts?.signal),
    });
  }

  async delete(name: string, opts?: DeleteCallOptions): Promise<void> {
    const { signal, ...body } = opts ?? {};
    await this.rest.request<unknown>({
      method: 'DELETE',
      path: this.item(name),
      ...(Object.keys(body).length > 0 ? { body } : {}),
      ...withSignal(signal),
    });
  }

  async deleteCollection(opts?: DeleteCallOptions, listOpts?: ListOptions): Promise<void> {
    const { signal, ...body } = opts ?? {};
    await this.rest.request<unknown>({
      method: 'DELETE',
      path: this.collection(),
      query: listQuery(listOpts),
      ...(Object.keys(body).length > 0 ? { body } : {}),
      ...withSignal(signal ?? listOpts?.signal),
    });
  }

  async *watch(opts?: WatchCallOptions): AsyncIterable<WatchEvent<T>> {
    const res = await this.rest.stream({
      method: 'GET',
      path: this.collection(),
      query: {
        watch: 'true',
        resourceVersion: opts?.resourceVersion,
        labelSelector: opts?.labelSelector,
        fieldSelector: opts?.fieldSelector,
      },
      ...withSignal(opts?.signal),
    });
    if (res.body === null) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line === '') continue;
          const ev = JSON.parse(line) as { type: string; object: unknown };
          if (ev.type === 'ERROR') throw new StatusError(ev.object as Status);
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')
            yield { type: ev.type, object: ev.object as T };
        }
      }
    } catch (err) {
      if (opts?.signal?.aborted === true && !isStatusError(err)) return;
      throw err;
    }
  }
}

export function newClientSet(rest: RESTClient): ClientSet {
  return {
    rest,
    resource: <R extends ResourceName>(resource: R) =>
      new TypedRESTClient<ResourceTypes[R]>(rest, Resources[resource], undefined),
  };
}

/** A clientset for `server` (client-go kubernetes.NewForConfig). */
export function createClient(config: ClientConfig): ClientSet {
  return newClientSet(new RESTClient(config));
}
