/**
 * `npm run build:workflows [-- out.js]`: writes the workflow bundle (default
 * dist/workflow-bundle.js). Start the worker with WORKFLOW_BUNDLE_PATH=<that file>.
 */
import path from 'node:path';
import { writeWorkflowBundle } from '../platform/workflow-bundle';

const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
writeWorkflowBundle(out)
  .then((p) => console.log(`workflow bundle written: ${p}`))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
