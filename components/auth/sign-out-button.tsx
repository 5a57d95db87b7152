/** A plain form POST: works without JavaScript; the server answers with a redirect to /sign-in. */
export function SignOutButton() {
  return (
    <form method="post" action="/api/auth/sign-out">
      <button
        type="submit"
        data-testid="sign-out"
        className="rounded-tremor-small border border-tremor-border px-2 py-1 text-tremor-default hover:bg-tremor-background-subtle dark:border-dark-tremor-border dark:hover:bg-dark-tremor-background-subtle"
      >
        Sign out
      </button>
    </form>
  );
}
