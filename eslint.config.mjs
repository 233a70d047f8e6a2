import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "bench/results/**", ".weft/**", "**/test-output/**", ".scratch/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "require-yield": "off",
      // Effect.gen bodies are generator functions: they cannot capture `this` lexically.
      "@typescript-eslint/no-this-alias": "off",
      "no-restricted-imports": ["error", { paths: [{ name: "@effect/schema", message: "Use effect/Schema." }] }]
    }
  },
  {
    files: ["packages/*/src/**/*.ts"],
    ignores: ["packages/*/src/**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Read time through Clock." },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "Use effect/Random." },
        { selector: "CallExpression[callee.name='setTimeout']", message: "Use Effect.sleep." }
      ]
    }
  }
)
