import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['node_modules/**', '.next*/**', '.scratch*/**', 'data/**', 'sdk/dist/**', 'next-env.d.ts', 'coverage/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The import arrows of ../shared/STYLE.md: app/ → server/ → lib/, components/ → lib/.
  {
    files: ['lib/**', 'components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: upTo('server'), message: 'lib/ and components/ are client-safe: they never import server/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...upTo('app'), ...upTo('scripts')],
              message: 'server/ never imports app/ (routes) or scripts/ (entry points).',
            },
          ],
        },
      ],
    },
  },
  // One home each: services throw ServiceError (server/core/errors.ts alone maps it to tRPC and HTTP);
  // process-wide state goes through processSingleton / processSlot (server/core/rate-limit.ts).
  {
    files: ['server/**', 'app/**'],
    ignores: ['server/core/errors.ts', 'server/core/rate-limit.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression[expression.name='globalThis']",
          message: 'Keep process-wide state in processSingleton / processSlot (server/core/rate-limit.ts).',
        },
        {
          selector: "NewExpression[callee.name='TRPCError']",
          message:
            'Throw a ServiceError (server/core/errors.ts); its kind is mapped to a tRPC code and an HTTP status in one place.',
        },
      ],
    },
  },
];

/** Every way a module can name the top-level folder: the `@/` alias and relative paths up to the root. */
function upTo(folder) {
  return [
    `@/${folder}`,
    `@/${folder}/**`,
    ...[1, 2, 3, 4, 5].flatMap((n) => [`${'../'.repeat(n)}${folder}`, `${'../'.repeat(n)}${folder}/**`]),
  ];
}

export default config;
