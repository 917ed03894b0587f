// Tables for the ledger domain. Owned by that domain's module.
export {};
