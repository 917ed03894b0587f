// Tables for the accounts domain. Owned by that domain's module.
export {};
