/**
 * Run under ts-node (real CommonJS, as a Pulumi program runs): configures a provider with the
 * credentials in the environment, makes real calls so tokens are cached, then prints the provider
 * as Pulumi serializes it into state. The serialization test greps the output for credentials.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwnerProvider } from "../../src/provider";
import * as ownerProviderModule from "../../src/provider/dynamic/state-entry/connector-user-owner";

async function main(): Promise<void> {
  // "module": the provider module object ConnectorUserOwner resources pass; "class": a direct instance.
  const provider = (process.env.PROVIDER_FORM === "module" ? ownerProviderModule : new ConnectorUserOwnerProvider()) as ConnectorUserOwnerProvider;
  const values: Record<string, string | undefined> = {
    "conductorone:serverUrl": process.env.TEST_SERVER_URL,
    "conductorone:allowCredentialsToHost": process.env.TEST_SERVER_URL && new URL(process.env.TEST_SERVER_URL).host,
    "conductorone:clientId": process.env.TEST_CLIENT_ID,
    "conductorone:clientSecret": process.env.TEST_CLIENT_SECRET,
  };
  await provider.configure({ config: { get: (key: string) => values[key], require: (key: string) => values[key] ?? "" } });
  const key = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" };
  const created = await provider.create(key);
  await provider.read(created.id);
  const serialized = await pulumi.runtime.serializeFunction(() => provider);
  process.stdout.write(serialized.text);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
