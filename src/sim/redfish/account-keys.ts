/**
 * A ManagerAccount's `Keys` collection (ManagerAccount v1_11, Redfish 2023.1; Key v1_4): the standard place
 * for an account's SSH public keys, which `rspconfig sshcfg` uses where a BMC offers it. The generic
 * personality (the DMTF standard as written) has it; the vendor personalities do not (bmcweb, iDRAC and iLO
 * keep SSH keys elsewhere or not at all). The keys are the machine's: the same authorized_keys the BMC's
 * SSH side (src/sim/ssh.ts) checks logins against.
 *
 * GET the collection and each Key; POST `{KeyType: "SSH", KeyString}` (201 with Location); DELETE a Key.
 * An Administrator may change any account's keys, any other user only its own.
 */
import { PUBLIC_KEY_LINE, sshKeyFingerprint, sshKeyIdentity } from '../../core/ssh-authorized-keys.js';
import { MachineError, type SimMachine } from '../machine.js';
import type { ErrorFactory } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { parseJsonBody, type RequestContext, type ResourceNode } from './tree.js';

export interface AccountKeysOptions {
  machine: SimMachine;
  errors: ErrorFactory;
  url(path: string): string;
  /** Whether `ctx` may change `user`'s keys. */
  mayConfigure(ctx: RequestContext, user: string): boolean;
}

export class AccountKeys {
  constructor(private readonly o: AccountKeysOptions) {}

  /** The node for `<account>/Keys` (rest = []) or `<account>/Keys/<id>` (rest = [id]). */
  resolve(accountPath: string, user: string, rest: string[]): ResourceNode | undefined {
    const path = `${accountPath}/Keys`;
    if (rest.length === 0)
      return { get: () => this.collectionDoc(path, user), post: (ctx) => this.add(path, user, ctx) };
    const id = Number(rest[0]);
    const key =
      Number.isInteger(id) && rest.length === 1 ? this.o.machine.authorizedKeys(user)[id - 1] : undefined;
    if (key === undefined) return undefined;
    return {
      get: () => this.keyDoc(path, id, key),
      delete: (ctx) => {
        if (!this.o.mayConfigure(ctx, user)) throw this.o.errors.error('InsufficientPrivilege');
        this.o.machine.revokeKey(user, key);
        return undefined;
      },
    };
  }

  private collectionDoc(path: string, user: string): JsonObject {
    const members = this.o.machine
      .authorizedKeys(user)
      .map((_, i) => ({ '@odata.id': this.o.url(`${path}/${i + 1}`) }));
    return {
      '@odata.id': this.o.url(path),
      '@odata.type': '#KeyCollection.KeyCollection',
      Name: 'Key Collection',
      Members: members,
      'Members@odata.count': members.length,
    };
  }

  private keyDoc(path: string, id: number, line: string): JsonObject {
    const comment = line.split(' ').slice(2);
    return {
      '@odata.id': this.o.url(`${path}/${id}`),
      '@odata.type': '#Key.v1_4_0.Key',
      Id: String(id),
      Name: 'SSH Key',
      KeyType: 'SSH',
      KeyString: line,
      SSH: {
        Fingerprint: sshKeyFingerprint(line),
        ...(comment.length ? { Comment: comment.join(' ') } : {}),
      },
    };
  }

  private add(
    path: string,
    user: string,
    ctx: RequestContext,
  ): { status: number; headers: Record<string, string>; body: JsonObject } {
    if (!this.o.mayConfigure(ctx, user)) throw this.o.errors.error('InsufficientPrivilege');
    const body = parseJsonBody(ctx);
    if (!isObject(body)) throw this.o.errors.error('MalformedJSON');
    for (const k of Object.keys(body))
      if (k !== 'KeyType' && k !== 'KeyString')
        throw this.o.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    if (body.KeyString === undefined)
      throw this.o.errors.error('PropertyMissing', ['KeyString'], { related: ['#/KeyString'] });
    if (body.KeyType !== undefined && body.KeyType !== 'SSH')
      throw this.o.errors.error('PropertyValueNotInList', [JSON.stringify(body.KeyType), 'KeyType'], {
        related: ['#/KeyType'],
      });
    const line = typeof body.KeyString === 'string' ? body.KeyString.trim() : '';
    if (!PUBLIC_KEY_LINE.test(line))
      throw this.o.errors.error('PropertyValueFormatError', ['(the key)', 'KeyString'], {
        related: ['#/KeyString'],
      });
    const identity = sshKeyIdentity(line);
    if (this.o.machine.authorizedKeys(user).some((k) => sshKeyIdentity(k) === identity))
      throw this.o.errors.error('ResourceAlreadyExists', ['Key', 'KeyString', '(the key)']);
    try {
      this.o.machine.authorizeKey(user, line);
    } catch (e) {
      if (e instanceof MachineError) throw this.o.errors.error('ResourceNotFound', ['ManagerAccount', user]);
      throw e;
    }
    const id = this.o.machine.authorizedKeys(user).indexOf(line) + 1;
    return {
      status: 201,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'OData-Version': '4.0',
        Location: this.o.url(`${path}/${id}`),
      },
      body: this.keyDoc(path, id, line),
    };
  }
}
