import { userInfo } from 'node:os'
import { createInterface } from 'node:readline'
import type { UserRole } from '@consent-sync/consent-core'
import { type Command, Option } from 'commander'
import {
  ACCOUNT_ROLES,
  type AccountOutcome,
  type Actor,
  createAccount,
  listAccounts,
  resetPassword,
  setAccountDisabled,
} from '../accounts/users'
import type { Store } from '../store/store'
import type { CliHelpers } from './helpers'

/** Who the admin log names for a change made here: the operating-system user running the command. */
function cliActor(): Actor {
  let name = 'unknown'
  try {
    name = userInfo().username
  } catch {}
  return { id: `cli:${name}`, role: 'operator' }
}

/** Reads standard input whole (a password piped in: `--password-stdin`), without its final newline. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** Asks for a password on the terminal twice, without echoing it. */
async function promptPassword(): Promise<string> {
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
      const output = rl as unknown as { _writeToOutput(s: string): void }
      output._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stderr.write(question)
      }
      rl.question(question, (answer) => {
        rl.close()
        process.stderr.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('password: ')
  const again = await ask('again: ')
  if (first !== again) throw new Error('the two passwords differ')
  return first
}

async function passwordFrom(
  options: { passwordStdin?: boolean },
  fail: (m: string) => never,
): Promise<string> {
  if (options.passwordStdin) return readStdin()
  if (!process.stdin.isTTY) fail('no terminal to ask for the password: pipe it in with --password-stdin')
  try {
    return await promptPassword()
  } catch (err) {
    fail((err as Error).message)
  }
}

function report(outcome: AccountOutcome, done: string, h: CliHelpers): void {
  if (!outcome.ok)
    h.fail(`${outcome.problem.field ? `${outcome.problem.field}: ` : ''}${outcome.problem.message}`)
  h.out(`${done} (admin log entry ${outcome.entry.seq})`)
}

/**
 * `consent-sync users add|list|disable|enable|reset-password`: the built-in accounts, changed on the
 * store directly (a running server applies the change within CATCH_UP_INTERVAL_MS: a disabled
 * account's connections close), each change in the admin log as `cli:<os user>`.
 */
export function registerUserCommands(program: Command, h: CliHelpers): void {
  const users = program
    .command('users')
    .description('the built-in accounts (for deployments without an identity provider)')
  // Changes take effect on the running server through the store; no announcement needed here.
  const deps = (store: Store) => ({
    store,
    changed: async () => {},
  })

  users
    .command('add')
    .description('create an account; the password is asked for, or read with --password-stdin')
    .argument('<username>', "for a customer: the customer's id")
    .addOption(
      new Option('--role <role>', 'the account role').choices([...ACCOUNT_ROLES]).makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'the display name')
    .option('--customer-id <id>', 'for a customer account (default: the username)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        options: { role: UserRole; name: string; customerId?: string; passwordStdin?: boolean },
      ) => {
        const config = h.configOrExit()
        const password = await passwordFrom(options, h.fail)
        const outcome = await h.withStore(config, (store) =>
          createAccount(
            deps(store),
            {
              username,
              role: options.role,
              name: options.name,
              password,
              ...(options.customerId !== undefined ? { customerId: options.customerId } : {}),
            },
            cliActor(),
          ),
        )
        report(outcome, `created ${options.role} account ${username}`, h)
      },
    )

  users
    .command('list')
    .description('every account: username, role, name, whether disabled')
    .option('--json', 'one JSON object per line')
    .action(async (options: { json?: boolean }) => {
      const config = h.configOrExit()
      const accounts = await h.withStore(config, (store) => listAccounts({ store }))
      for (const a of accounts) {
        if (options.json) h.out(JSON.stringify(a))
        else
          h.out(
            [a.username, a.role, a.disabled ? 'disabled' : 'active', a.name, a.customerId ?? '']
              .join('\t')
              .trimEnd(),
          )
      }
      if (!options.json) process.stderr.write(`${accounts.length} accounts\n`)
    })

  for (const disabled of [true, false]) {
    users
      .command(disabled ? 'disable' : 'enable')
      .description(
        disabled
          ? 'disable an account: no sign-in, its tokens refused, its connections closed'
          : 'enable a disabled account',
      )
      .argument('<username>')
      .action(async (username: string) => {
        const config = h.configOrExit()
        const outcome = await h.withStore(config, (store) =>
          setAccountDisabled(deps(store), username, disabled, cliActor()),
        )
        report(outcome, `${disabled ? 'disabled' : 'enabled'} ${username}`, h)
      })
  }

  users
    .command('reset-password')
    .description("set an account's password; asked for, or read with --password-stdin")
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      const config = h.configOrExit()
      const password = await passwordFrom(options, h.fail)
      const outcome = await h.withStore(config, (store) =>
        resetPassword(deps(store), username, password, cliActor()),
      )
      report(outcome, `set a new password for ${username}`, h)
    })
}
