// Every workflow the worker registers. The worker bundles this file (and only this file's graph).
export * from './smoke.workflow';
export { transferWorkflow } from './transfer.workflow';
export { transferReversalWorkflow } from './transfer-reversal.workflow';
export { kycWorkflow } from './kyc.workflow';
export { accountOpeningWorkflow, accountLifecycleWorkflow } from './account-opening.workflow';
export { scheduledPaymentWorkflow } from './scheduled-payment.workflow';
