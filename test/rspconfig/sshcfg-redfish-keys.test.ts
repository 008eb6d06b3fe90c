/**
 * sshcfg on a Redfish BMC whose account has a Keys collection (ManagerAccount.Keys, Redfish 2023.1), on a
 * scripted BMC (nock): the key is POSTed as `{KeyType: "SSH", KeyString}` only when it is not listed, the
 * collection is read back, and a BMC that accepts but does not list it fails the node.
 */
import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRedfish } from '../bmc/fake-redfish.js';
import { runOnTestNode, useNock } from '../helpers/nock-harness.js';
import sshcfgExecutor from '../../src/executors/redfish/sshcfg.js';
import { loadPublicKey, type SshKey } from '../../src/managers/rspconfig-sshcfg.js';

useNock();

const ACCOUNTS = '/redfish/v1/AccountService/Accounts';
const ACCOUNT = `${ACCOUNTS}/1`;
const KEYS = `${ACCOUNT}/Keys`;

let key: SshKey;
{
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-keys-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin@site', '-f', join(dir, 'k')]);
  key = loadPublicKey(join(dir, 'k.pub'));
  rmSync(dir, { recursive: true, force: true });
}

function bmc(keys: Array<{ KeyString: string; KeyType?: string }>, listAfterPost = true): FakeRedfish {
  const members = keys.map((k, i) => ({ '@odata.id': `${KEYS}/${i + 1}`, Id: String(i + 1), ...k }));
  const fake: FakeRedfish = new FakeRedfish({
    resources: {
      '/redfish/v1/AccountService': {
        '@odata.id': '/redfish/v1/AccountService',
        Accounts: { '@odata.id': ACCOUNTS },
      },
      [ACCOUNTS]: { '@odata.id': ACCOUNTS, Members: [{ '@odata.id': ACCOUNT }] },
      [ACCOUNT]: {
        '@odata.id': ACCOUNT,
        Id: '1',
        UserName: 'root',
        RoleId: 'Administrator',
        Keys: { '@odata.id': KEYS },
      },
      [KEYS]: { '@odata.id': KEYS, Members: members.map((m) => ({ '@odata.id': m['@odata.id'] })) },
      ...Object.fromEntries(members.map((m) => [m['@odata.id'], m])),
    },
    handlers: {
      [`POST ${KEYS}`]: (req) => {
        if (!listAfterPost) return [201, {}];
        const id = `${KEYS}/${members.length + 1}`;
        const doc = { '@odata.id': id, Id: String(members.length + 1), ...(req.body as object) };
        members.push(doc as (typeof members)[number]);
        fake.resources[id] = doc;
        (fake.resources[KEYS] as { Members: unknown[] }).Members.push({ '@odata.id': id });
        return [201, doc, { location: id }];
      },
    },
  });
  return fake;
}

describe('sshcfg through ManagerAccount.Keys', () => {
  it('POSTs the key once, as KeyType SSH with the whole line, then reads it back', async () => {
    const fake = bmc([]);
    const { result } = await runOnTestNode((ctx) => sshcfgExecutor.authorizeKey({ key }, ctx));
    expect(result).toEqual({ via: 'redfish-keys' });
    expect(fake.find('POST', KEYS).map((r) => r.body)).toEqual([{ KeyType: 'SSH', KeyString: key.line }]);
  });

  it('a key already listed (comment aside) is not sent again', async () => {
    const [type, b64] = key.line.split(' ');
    const fake = bmc([{ KeyString: `${type} ${b64} other-comment`, KeyType: 'SSH' }]);
    const { result } = await runOnTestNode((ctx) => sshcfgExecutor.authorizeKey({ key }, ctx));
    expect(result).toEqual({ via: 'redfish-keys' });
    expect(fake.find('POST', KEYS)).toHaveLength(0);
  });

  it('accepted but not listed afterwards: the node fails, naming the collection', async () => {
    bmc([], false);
    await expect(runOnTestNode((ctx) => sshcfgExecutor.authorizeKey({ key }, ctx))).rejects.toThrow(
      `the BMC accepted the key but ${KEYS} does not list it`,
    );
  });
});
