// The auth area's command-line tools and start-up task (imported once from server/cli/all.ts).
import './cli';
import './startup';
