// Creates an operator login: `npm run create-operator -- --email ops@bank.example --name "Jane Operator"`. The password
// comes from OPERATOR_PASSWORD or is asked for without echo (never a command-line argument: those show in `ps` and in
// shell history). It must pass the password policy; an email already in use is refused. Against the database of
// DATABASE_URL, or the embedded one `npm start` serves when it is unset.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPrismaClient, type PrismaClient } from "@meridian/db";
import { createOperator } from "../packages/core/src/auth/operators";

/** Reads a line from the terminal without showing what is typed. */
function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

const USAGE = 'Usage: npm run create-operator -- --email ops@bank.example --name "Jane Operator"';

/** The command, callable from tests: parses `args`, reads the password, creates the operator. */
export async function createOperatorCommand(options: {
  args: string[];
  prisma: PrismaClient;
  env?: NodeJS.ProcessEnv;
  askPassword?: (question: string) => Promise<string>;
}) {
  const { values } = parseArgs({
    args: options.args,
    options: { email: { type: "string" }, name: { type: "string" } },
    strict: true,
  });
  if (!values.email || !values.name) throw new Error(USAGE);
  const env = options.env ?? process.env;
  let password = env.OPERATOR_PASSWORD;
  if (!password) {
    const ask = options.askPassword ?? promptHidden;
    password = await ask("Password for the new operator: ");
    if ((await ask("Repeat the password: ")) !== password)
      throw new Error("The passwords differ; nothing was created.");
  }
  return createOperator(options.prisma, {
    email: values.email,
    name: values.name,
    password,
    createdBy: `cli:${env.USER ?? "unknown"}`,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const prisma = createPrismaClient();
  createOperatorCommand({ args: process.argv.slice(2), prisma })
    .then((user) => console.log(`Created operator ${user.email} (${user.id}).`))
    .catch((error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    })
    .finally(() => prisma.$disconnect());
}
