/**
 * The AccountService of every Redfish personality (generated and captures alike: the shell owns this
 * subtree, as it owns the SessionService), on the machine's accounts, which the OpenBMC REST frontend
 * shares.
 *
 * As bmcweb does:
 *  - `Accounts` members are ManagerAccounts (UserName, RoleId, Enabled, Locked, `Password: null`);
 *    POST creates one (UserName, Password, RoleId required), PATCH changes Password/RoleId/Enabled/Locked
 *    (Locked only to false), DELETE removes it;
 *  - a password outside the policy (MinPasswordLength..MaxPasswordLength) is a 400
 *    PropertyValueFormatError whose value is masked (`******`): the BMC never echoes a password;
 *  - an Administrator may do anything; any other role may only change its own password (ConfigureSelf),
 *    the rest is a 403 InsufficientPrivilege;
 *  - a password change ends the user's other sessions; the session that made it keeps working
 *    (bmcweb's removeSessionsByUsernameExceptSession). Basic auth needs the new password at once.
 */
import {
  ACCOUNT_ROLES,
  MachineError,
  type AccountInfo,
  type AccountRole,
  type SimMachine,
} from '../machine.js';
import { AccountKeys } from './account-keys.js';
import type { ErrorFactory, RedfishError } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { ROLE_PRIVILEGES } from './privileges.js';
import type { SessionStore } from './sessions.js';
import { parseJsonBody, type RequestContext, type ResourceNode } from './tree.js';

export const ACCOUNT_SERVICE_PATH = '/redfish/v1/AccountService';
const ACCOUNTS = `${ACCOUNT_SERVICE_PATH}/Accounts`;
const ROLES = `${ACCOUNT_SERVICE_PATH}/Roles`;
const MASKED = '******';

export interface AccountServiceOptions {
  machine: SimMachine;
  errors: ErrorFactory;
  sessions: SessionStore;
  /** `@odata.id` form of a path (trailing slash on iLO). */
  url(path: string): string;
  /** Each account has a `Keys` collection (ManagerAccount.Keys, Redfish 2023.1): account-keys.ts. */
  keys?: boolean;
}

export class AccountService {
  private readonly keys: AccountKeys | undefined;

  constructor(private readonly o: AccountServiceOptions) {
    this.keys = o.keys
      ? new AccountKeys({
          machine: o.machine,
          errors: o.errors,
          url: o.url,
          mayConfigure: (ctx, user) => ctx.user === user || this.roleOf(ctx) === 'Administrator',
        })
      : undefined;
  }

  owns(path: string): boolean {
    return path === ACCOUNT_SERVICE_PATH || path.startsWith(`${ACCOUNT_SERVICE_PATH}/`);
  }

  resolve(path: string): ResourceNode | undefined {
    if (path === ACCOUNT_SERVICE_PATH) return { get: () => this.serviceDoc() };
    if (path === ACCOUNTS) return { get: () => this.accountsDoc(), post: (ctx) => this.create(ctx) };
    if (path === ROLES) return { get: () => this.rolesDoc() };
    if (path.startsWith(`${ROLES}/`)) {
      const role = ACCOUNT_ROLES.find((r) => r === path.slice(ROLES.length + 1));
      return role && { get: () => this.roleDoc(role) };
    }
    if (path.startsWith(`${ACCOUNTS}/`)) {
      const [first, ...rest] = path.slice(ACCOUNTS.length + 1).split('/');
      const name = decodeURIComponent(first ?? '');
      if (!this.o.machine.account(name)) return undefined;
      if (rest.length > 0)
        return rest[0] === 'Keys'
          ? this.keys?.resolve(this.accountPath(name), name, rest.slice(1))
          : undefined;
      return {
        get: () => this.accountDoc(this.o.machine.account(name)!),
        patch: (body, ctx) => this.patch(name, body, ctx),
        delete: (ctx) => {
          this.requireAdmin(ctx);
          this.call(() => this.o.machine.deleteAccount(name));
          for (const s of this.o.sessions.list()) if (s.username === name) this.o.sessions.delete(s.id);
          return undefined;
        },
      };
    }
    return undefined;
  }

  private get errors(): ErrorFactory {
    return this.o.errors;
  }

  private link(path: string): JsonObject {
    return { '@odata.id': this.o.url(path) };
  }

  private serviceDoc(): JsonObject {
    const { minLength, maxLength } = this.o.machine.passwordPolicy;
    return {
      '@odata.id': this.o.url(ACCOUNT_SERVICE_PATH),
      '@odata.type': '#AccountService.v1_10_0.AccountService',
      Id: 'AccountService',
      Name: 'Account Service',
      Description: 'Account Service',
      ServiceEnabled: true,
      MinPasswordLength: minLength,
      MaxPasswordLength: maxLength,
      AccountLockoutThreshold: 0,
      Accounts: this.link(ACCOUNTS),
      Roles: this.link(ROLES),
    };
  }

  private accountPath(name: string): string {
    return `${ACCOUNTS}/${encodeURIComponent(name)}`;
  }

  private accountDoc(a: AccountInfo): JsonObject {
    return {
      '@odata.id': this.o.url(this.accountPath(a.name)),
      '@odata.type': '#ManagerAccount.v1_4_0.ManagerAccount',
      Id: a.name,
      Name: 'User Account',
      Description: 'User Account',
      UserName: a.name,
      Password: null,
      RoleId: a.role,
      Enabled: a.enabled,
      Locked: a.locked,
      'Locked@Redfish.AllowableValues': ['false'],
      AccountTypes: ['Redfish', 'WebUI', 'IPMI'],
      ...(this.keys ? { Keys: this.link(`${this.accountPath(a.name)}/Keys`) } : {}),
      Links: { Role: this.link(`${ROLES}/${a.role}`) },
    };
  }

  private accountsDoc(): JsonObject {
    const members = this.o.machine.listAccounts().map((a) => this.link(this.accountPath(a.name)));
    return {
      '@odata.id': this.o.url(ACCOUNTS),
      '@odata.type': '#ManagerAccountCollection.ManagerAccountCollection',
      Name: 'Accounts Collection',
      Description: 'BMC User Accounts',
      Members: members,
      'Members@odata.count': members.length,
    };
  }

  private rolesDoc(): JsonObject {
    const members = ACCOUNT_ROLES.map((r) => this.link(`${ROLES}/${r}`));
    return {
      '@odata.id': this.o.url(ROLES),
      '@odata.type': '#RoleCollection.RoleCollection',
      Name: 'Roles Collection',
      Members: members,
      'Members@odata.count': members.length,
    };
  }

  private roleDoc(role: AccountRole): JsonObject {
    return {
      '@odata.id': this.o.url(`${ROLES}/${role}`),
      '@odata.type': '#Role.v1_2_2.Role',
      Id: role,
      Name: 'User Role',
      RoleId: role,
      IsPredefined: true,
      AssignedPrivileges: [...ROLE_PRIVILEGES[role]],
    };
  }

  /** The role of who asks; an account the machine does not hold (the frontend's extra one) is an admin. */
  private roleOf(ctx: RequestContext): AccountRole {
    return (ctx.user !== undefined ? this.o.machine.account(ctx.user)?.role : undefined) ?? 'Administrator';
  }

  private requireAdmin(ctx: RequestContext): void {
    if (this.roleOf(ctx) !== 'Administrator') throw this.errors.error('InsufficientPrivilege');
  }

  /** A machine change, its refusals as Redfish errors (messages never hold the password). */
  private call(fn: () => void, passwordProperty = 'Password'): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof MachineError)) throw e;
      throw this.machineError(e, passwordProperty);
    }
  }

  private machineError(e: MachineError, passwordProperty: string): RedfishError {
    if (e.kind === 'notFound') return this.errors.error('ResourceNotFound', ['ManagerAccount', e.message]);
    if (e.kind === 'conflict')
      return this.errors.error('ResourceAlreadyExists', ['ManagerAccount', 'UserName', e.message]);
    if (/password/.test(e.message))
      return this.errors.error('PropertyValueFormatError', [MASKED, passwordProperty], {
        related: [`#/${passwordProperty}`],
      });
    return this.errors.error('PropertyValueFormatError', [e.message, 'UserName'], {
      related: ['#/UserName'],
    });
  }

  private role(v: unknown): AccountRole {
    if (typeof v !== 'string')
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), 'RoleId']);
    const role = ACCOUNT_ROLES.find((r) => r === v);
    if (!role) throw this.errors.error('PropertyValueNotInList', [v, 'RoleId'], { related: ['#/RoleId'] });
    return role;
  }

  private bool(body: JsonObject, key: string): boolean | undefined {
    const v = body[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), key]);
    return v;
  }

  private create(
    ctx: RequestContext,
  ): undefined | { status: number; headers: Record<string, string>; body: JsonObject } {
    this.requireAdmin(ctx);
    const body = parseJsonBody(ctx);
    if (!isObject(body)) throw this.errors.error('MalformedJSON');
    for (const k of ['UserName', 'Password', 'RoleId'])
      if (body[k] === undefined) throw this.errors.error('PropertyMissing', [k], { related: [`#/${k}`] });
    const name = body.UserName;
    const password = body.Password;
    if (typeof name !== 'string')
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(name), 'UserName']);
    if (typeof password !== 'string') throw this.errors.error('PropertyValueTypeError', [MASKED, 'Password']);
    const role = this.role(body.RoleId);
    const enabled = this.bool(body, 'Enabled') ?? true;
    for (const k of Object.keys(body))
      if (!['UserName', 'Password', 'RoleId', 'Enabled', 'AccountTypes'].includes(k))
        throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    this.call(() => this.o.machine.createAccount(name, password, role, enabled));
    const doc = this.accountDoc(this.o.machine.account(name)!);
    return {
      status: 201,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'OData-Version': '4.0',
        Location: this.o.url(this.accountPath(name)),
      },
      body: doc,
    };
  }

  private patch(name: string, body: JsonObject, ctx: RequestContext): undefined {
    const self = ctx.user === name;
    const keys = Object.keys(body);
    for (const k of keys)
      if (!['Password', 'RoleId', 'Enabled', 'Locked'].includes(k)) {
        if (k in this.accountDoc(this.o.machine.account(name)!))
          throw this.errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
        throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
      }
    // ConfigureSelf: a non-admin may change its own password, nothing else.
    if (this.roleOf(ctx) !== 'Administrator' && !(self && keys.every((k) => k === 'Password')))
      throw this.errors.error('InsufficientPrivilege');
    // Validate everything before changing anything.
    const role = body.RoleId !== undefined ? this.role(body.RoleId) : undefined;
    const enabled = this.bool(body, 'Enabled');
    const locked = this.bool(body, 'Locked');
    const password = body.Password;
    if (password !== undefined && typeof password !== 'string')
      throw this.errors.error('PropertyValueTypeError', [MASKED, 'Password']);
    if (password !== undefined) this.call(() => this.o.machine.checkPasswordPolicy(password));
    if (locked === true)
      throw this.errors.error('PropertyValueNotInList', ['true', 'Locked'], { related: ['#/Locked'] });
    this.call(() =>
      this.o.machine.updateAccount(name, {
        ...(role !== undefined ? { role } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
        ...(locked !== undefined ? { locked } : {}),
      }),
    );
    if (password !== undefined) {
      this.call(() => this.o.machine.setPassword(name, password));
      for (const s of this.o.sessions.list())
        if (s.username === name && s.id !== ctx.session?.id) this.o.sessions.delete(s.id);
    }
    return undefined;
  }
}
