// Each area registers its command-line tools here (one import line per area).
import './commands';
import '../auth/register';
import '../ingest/startup';
import '../rollout/startup';
import './demo-backfill';
import '../demo/seed-rollouts';
import '../store/backup';
