// Content negotiation: does the client want a meta.k8s.io/v1 Table (kubectl get)?
export function wantsTable(accept: string | undefined): boolean {
  // Every Table media type names `as=Table`; most requests (JSON clients) stop here.
  if (accept === undefined || !accept.includes('Table')) return false;
  return accept.split(',').some((part) => {
    const p = part.replace(/\s/g, '');
    return p.includes('as=Table') && p.includes('g=meta.k8s.io') && (p.includes('v=v1;') || p.endsWith('v=v1'));
  });
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectOf(v: string | undefined): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
