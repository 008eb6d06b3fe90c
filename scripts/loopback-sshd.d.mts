/** Types of loopback-sshd.mjs (a real sshd on loopback for the service-node tests and benchmark). */
export declare const SSHD: string;

export interface Sshd {
  port: number;
  dir: string;
  /** ssh config (-F) with a Host entry per alias. */
  config: string;
  stop(): Promise<void>;
}

export declare function startSshd(aliases: readonly string[]): Promise<Sshd>;
