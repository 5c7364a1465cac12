import { describe, expect, it } from 'vitest';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  maskTrailingDash,
  nameIsDNSSubdomain,
} from './name-validation.js';

const label1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const sub1123 =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const label1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const qname =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValue =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDNS1123Label', () => {
  it.each([
    { name: 'simple', value: 'web', want: [] },
    { name: 'digits first', value: '123-abc', want: [] },
    { name: 'upper case', value: 'HTTP', want: [label1123] },
    { name: 'dots', value: 'a.b', want: ['must not contain dots'] },
    { name: 'trailing dash', value: 'a-', want: [label1123] },
    { name: 'empty', value: '', want: [label1123] },
    { name: '63 chars', value: 'a'.repeat(63), want: [] },
    { name: '64 chars', value: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
  ])('$name', ({ value, want }) => {
    expect(isDNS1123Label(value)).toEqual(want);
  });
});

describe('isDNS1123Subdomain', () => {
  it.each([
    { name: 'dotted', value: 'my.database.example.com', want: [] },
    { name: 'underscore', value: 'Foo_bar', want: [sub1123] },
    { name: 'double dot', value: 'a..b', want: [sub1123] },
    { name: '254 chars', value: 'a'.repeat(254), want: ['must be no more than 253 characters'] },
  ])('$name', ({ value, want }) => {
    expect(isDNS1123Subdomain(value)).toEqual(want);
  });
});

describe('isDNS1035Label', () => {
  it.each([
    { name: 'valid', value: 'web-1', want: [] },
    { name: 'leading digit', value: '1ab', want: [label1035] },
    {
      name: 'too long and bad',
      value: `1${'a'.repeat(63)}`,
      want: ['must be no more than 63 characters', label1035],
    },
  ])('$name', ({ value, want }) => {
    expect(isDNS1035Label(value)).toEqual(want);
  });
});

describe('isQualifiedName', () => {
  it.each([
    { name: 'plain', value: 'app', want: [] },
    { name: 'prefixed', value: 'app.kubernetes.io/name', want: [] },
    { name: 'upper case allowed', value: 'MyName', want: [] },
    { name: 'empty prefix', value: '/name', want: ['prefix part must be non-empty'] },
    { name: 'bad prefix', value: 'Foo_/x', want: [`prefix part ${sub1123}`] },
    { name: 'empty name', value: 'example.com/', want: ['name part must be non-empty', qname] },
    {
      name: 'long name',
      value: 'a'.repeat(64),
      want: ['name part must be no more than 63 characters'],
    },
    { name: 'bad chars', value: 'a b', want: [qname] },
    {
      name: 'two slashes',
      value: 'a/b/c',
      want: [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    },
  ])('$name', ({ value, want }) => {
    expect(isQualifiedName(value)).toEqual(want);
  });
});

describe('isValidLabelValue', () => {
  it.each([
    { name: 'empty ok', value: '', want: [] },
    { name: 'mixed', value: 'My_value.1', want: [] },
    { name: 'trailing dash', value: 'v-', want: [labelValue] },
    { name: 'too long', value: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
  ])('$name', ({ value, want }) => {
    expect(isValidLabelValue(value)).toEqual(want);
  });
});

describe('generateName prefixes', () => {
  it.each([
    { name: 'trailing dash masked', value: 'web-', want: 'wea' },
    { name: 'single dash kept', value: '-', want: '-' },
    { name: 'no dash', value: 'web', want: 'web' },
  ])('$name', ({ value, want }) => {
    expect(maskTrailingDash(value)).toBe(want);
  });

  it('accepts a prefix ending in a dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
  });
});
