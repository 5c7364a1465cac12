// Request/response over node:http(s) with one keep-alive agent per client: the transport of
// RESTClient.request. Undici's fetch costs about twice the CPU per request, which the controllers
// pay on every write. HTTPS trusts what Node trusts (NODE_EXTRA_CA_CERTS for a cluster CA).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpCall {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

export class HttpTransport {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  /** Resolves with the status and the whole body as text; rejects on a network error or abort. */
  send(url: URL, call: HttpCall): Promise<HttpAnswer> {
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: call.method,
          headers: call.body === undefined ? call.headers : { ...call.headers, 'content-length': Buffer.byteLength(call.body) },
          agent: secure ? this.https : this.http,
          ...(call.signal === undefined ? {} : { signal: call.signal }),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(call.body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
