/** Output sinks for commands, injected so commands are testable. */
export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}
