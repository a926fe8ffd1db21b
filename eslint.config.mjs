// Lint rules for the whole repo. `npm run lint` (run by `npm test`) must stay clean.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** What provider/c1/ may never import: it is the HTTP layer and knows nothing of Pulumi. */
const C1_LAYER_BOUNDARY = {
  paths: [{ name: "@pulumi/pulumi", message: "provider/c1/ is the C1 API client and never depends on Pulumi." }],
  patterns: [
    { group: ["@pulumi/*"], message: "provider/c1/ is the C1 API client and never depends on Pulumi." },
    { group: ["../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"], message: "provider/c1/ sits below the Pulumi layers." },
  ],
};

/** provider/model/ is pure: the SDK's types are fine, its runtime is not. */
const MODEL_LAYER_BOUNDARY = {
  paths: [
    { name: "@pulumi/pulumi", allowTypeImports: true, message: "provider/model/ is pure; import only types from @pulumi/pulumi." },
    { name: "@pulumi/policy", message: "Only provider/policy/ may import @pulumi/policy: programs must not need it." },
  ],
  patterns: [{ group: ["../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"], message: "provider/model/ is shared by both processes." }],
};

/** `@pulumi/policy` is an optional peer dependency: only the policy entry (provider/policy/) may use it. */
const POLICY_SDK_BOUNDARY = {
  paths: [{ name: "@pulumi/policy", message: "Only provider/policy/ may import @pulumi/policy: programs must not need it." }],
};

/** provider/policy/ runs in the policy-pack process: it reads state, never the provider or C1. */
const POLICY_LAYER_BOUNDARY = {
  patterns: [
    {
      group: ["../c1", "../c1/*", "../dynamic", "../dynamic/*", "../resources", "../resources/*", "../index"],
      message: "provider/policy/ runs in the policy-pack process: it may use provider/model/, never C1 or the provider.",
    },
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
    files: ["provider/c1/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", C1_LAYER_BOUNDARY] },
  },
  {
    files: ["provider/model/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", MODEL_LAYER_BOUNDARY] },
  },
  {
    files: ["provider/**/*.ts"],
    ignores: ["provider/policy/**", "provider/c1/**", "provider/model/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", POLICY_SDK_BOUNDARY] },
  },
  {
    files: ["provider/policy/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", POLICY_LAYER_BOUNDARY] },
  },
);
