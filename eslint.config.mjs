// Lint rules for the whole repo. `npm run lint` (run by `npm test`) must stay clean.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * What no shipped code may import: the provider knows nothing of the tools built on it (the
 * ownership program, the CLI, the emulator), and nothing in src/ imports from outside src/
 * (examples, scripts, the benchmark and tests are not in the package).
 */
const OUTSIDE_THE_PROVIDER = {
  patterns: [
    {
      group: ["**/ownership", "**/ownership/*", "**/cli", "**/cli/*", "**/emulator", "**/emulator/*"],
      message: "src/provider/ ships below the tools built on it.",
    },
    ...["examples", "scripts", "bench", "test", "stack", "templates"].map((folder) => ({
      group: [`**/${folder}/**`],
      message: `${folder}/ is not in the package: src/ never imports it.`,
    })),
  ],
};

/** Outside the provider, src/ may use anything in src/ but nothing outside it. */
const SHIPPED_CODE_BOUNDARY = {
  patterns: OUTSIDE_THE_PROVIDER.patterns.slice(1),
};

/** What src/provider/c1/ may never import: it is the HTTP layer and knows nothing of Pulumi. */
const C1_LAYER_BOUNDARY = {
  paths: [{ name: "@pulumi/pulumi", message: "src/provider/c1/ is the C1 API client and never depends on Pulumi." }],
  patterns: [
    { group: ["@pulumi/*"], message: "src/provider/c1/ is the C1 API client and never depends on Pulumi." },
    { group: ["../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"], message: "src/provider/c1/ sits below the Pulumi layers." },
    ...OUTSIDE_THE_PROVIDER.patterns,
  ],
};

/** src/provider/model/ is pure: the SDK's types are fine, its runtime is not. */
const MODEL_LAYER_BOUNDARY = {
  paths: [
    { name: "@pulumi/pulumi", allowTypeImports: true, message: "src/provider/model/ is pure; import only types from @pulumi/pulumi." },
    { name: "@pulumi/policy", message: "Only src/provider/policy/ may import @pulumi/policy: programs must not need it." },
  ],
  patterns: [
    { group: ["../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"], message: "src/provider/model/ is shared by both processes." },
    { group: ["../c1", "../c1/*"], message: "src/provider/model/ sits below the C1 client: shared pieces (like the errors) live in src/provider/ itself." },
    ...OUTSIDE_THE_PROVIDER.patterns,
  ],
};

/** `@pulumi/policy` is an optional peer dependency: only the policy entry (src/provider/policy/) may use it. */
const POLICY_SDK_BOUNDARY = {
  paths: [{ name: "@pulumi/policy", message: "Only src/provider/policy/ may import @pulumi/policy: programs must not need it." }],
  patterns: OUTSIDE_THE_PROVIDER.patterns,
};

/** src/provider/policy/ runs in the policy-pack process: it reads state, never the provider or C1. */
const POLICY_LAYER_BOUNDARY = {
  patterns: [
    {
      group: ["../c1", "../c1/*", "../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"],
      message: "src/provider/policy/ runs in the policy-pack process: it may use src/provider/model/, never C1 or the provider.",
    },
    ...OUTSIDE_THE_PROVIDER.patterns,
  ],
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/node_modules/", ".pulumi-state/", "bench/programs/floor/noop-provider/", "test/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "writable",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        URLSearchParams: "readonly",
        globalThis: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", prefer: "type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["src/provider/c1/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", C1_LAYER_BOUNDARY] },
  },
  {
    files: ["src/provider/model/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", MODEL_LAYER_BOUNDARY] },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/provider/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", SHIPPED_CODE_BOUNDARY] },
  },
  {
    files: ["src/provider/**/*.ts"],
    ignores: ["src/provider/policy/**", "src/provider/c1/**", "src/provider/model/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", POLICY_SDK_BOUNDARY] },
  },
  {
    files: ["src/provider/policy/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", POLICY_LAYER_BOUNDARY] },
  },
);
